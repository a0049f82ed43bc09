{#
    NTM criteria attainment per district and quarter, plus one province row per quarter
    (district_code null) summing its districts. Denominators count xã only (never phường or
    thị trấn); border / especially difficult flags are those valid on the quarter's last day.
    Province averages are total criteria met / total xã, not an average of district averages.
#}
with

source_workbooks as (

    select * from {{ ref('dim_source_workbook') }}

),

recognition as (

    select * from {{ ref('fct_commune_recognition') }}

),

communes as (

    select * from {{ ref('dim_commune') }}

),

reporting_districts as (

    select
        quarter,
        province_code,
        district_code
    from source_workbooks
    where is_current

),

xa_status as (

    select
        recognition.quarter,
        recognition.province_code,
        recognition.district_code,
        recognition.criteria_met,
        case when recognition.is_ntm_recognised then 1 else 0 end as is_ntm,
        case when communes.is_border then 1 else 0 end as is_border,
        case when communes.is_especially_difficult then 1 else 0 end as is_difficult,
        {{ ntm.criteria_band('recognition.criteria_met') }} as criteria_band
    from recognition
    inner join communes
        on recognition.commune_sk = communes.commune_sk
    where communes.is_xa

),

district_totals as (

    select
        quarter,
        province_code,
        district_code,
        count(*) as xa_count,
        sum(is_ntm) as ntm_communes,
        sum(criteria_met) as criteria_met_total,
        sum(case when criteria_band = '19' then 1 else 0 end) as communes_19,
        sum(case when criteria_band = '15-18' then 1 else 0 end) as communes_15_18,
        sum(case when criteria_band = '10-14' then 1 else 0 end) as communes_10_14,
        sum(case when criteria_band = '5-9' then 1 else 0 end) as communes_5_9,
        sum(case when criteria_band = 'below 5' then 1 else 0 end) as communes_below_5,
        sum(is_border) as border_xa_count,
        sum(is_border * is_ntm) as border_ntm_communes,
        sum(is_difficult) as difficult_xa_count,
        sum(is_difficult * is_ntm) as difficult_ntm_communes
    from xa_status
    group by quarter, province_code, district_code

),

district_rows as (

    select
        reporting_districts.quarter,
        reporting_districts.province_code,
        reporting_districts.district_code,
        coalesce(district_totals.xa_count, 0) as xa_count,
        coalesce(district_totals.ntm_communes, 0) as ntm_communes,
        coalesce(district_totals.criteria_met_total, 0) as criteria_met_total,
        coalesce(district_totals.communes_19, 0) as communes_19,
        coalesce(district_totals.communes_15_18, 0) as communes_15_18,
        coalesce(district_totals.communes_10_14, 0) as communes_10_14,
        coalesce(district_totals.communes_5_9, 0) as communes_5_9,
        coalesce(district_totals.communes_below_5, 0) as communes_below_5,
        coalesce(district_totals.border_xa_count, 0) as border_xa_count,
        coalesce(district_totals.border_ntm_communes, 0) as border_ntm_communes,
        coalesce(district_totals.difficult_xa_count, 0) as difficult_xa_count,
        coalesce(district_totals.difficult_ntm_communes, 0) as difficult_ntm_communes
    from reporting_districts
    left join district_totals
        on reporting_districts.quarter = district_totals.quarter
        and reporting_districts.province_code = district_totals.province_code
        and reporting_districts.district_code = district_totals.district_code

),

province_rows as (

    select
        quarter,
        province_code,
        cast(null as {{ dbt.type_string() }}) as district_code,
        sum(xa_count) as xa_count,
        sum(ntm_communes) as ntm_communes,
        sum(criteria_met_total) as criteria_met_total,
        sum(communes_19) as communes_19,
        sum(communes_15_18) as communes_15_18,
        sum(communes_10_14) as communes_10_14,
        sum(communes_5_9) as communes_5_9,
        sum(communes_below_5) as communes_below_5,
        sum(border_xa_count) as border_xa_count,
        sum(border_ntm_communes) as border_ntm_communes,
        sum(difficult_xa_count) as difficult_xa_count,
        sum(difficult_ntm_communes) as difficult_ntm_communes
    from district_rows
    group by quarter, province_code

),

all_rows as (

    select * from district_rows
    union all
    select * from province_rows

),

final as (

    select
        cast(quarter as {{ dbt.type_string() }}) as quarter,
        cast(province_code as {{ dbt.type_string() }}) as province_code,
        cast(district_code as {{ dbt.type_string() }}) as district_code,
        cast(xa_count as {{ dbt.type_bigint() }}) as xa_count,
        cast(ntm_communes as {{ dbt.type_bigint() }}) as ntm_communes,
        cast(
            round(100 * {{ ntm.safe_divide('ntm_communes', 'xa_count') }}, 2)
            as {{ ntm.type_double() }}
        ) as ntm_share_pct,
        cast(
            round({{ ntm.safe_divide('criteria_met_total', 'xa_count') }}, 2)
            as {{ ntm.type_double() }}
        ) as avg_criteria_met,
        cast(communes_19 as {{ dbt.type_bigint() }}) as communes_19,
        cast(communes_15_18 as {{ dbt.type_bigint() }}) as communes_15_18,
        cast(communes_10_14 as {{ dbt.type_bigint() }}) as communes_10_14,
        cast(communes_5_9 as {{ dbt.type_bigint() }}) as communes_5_9,
        cast(communes_below_5 as {{ dbt.type_bigint() }}) as communes_below_5,
        cast(border_xa_count as {{ dbt.type_bigint() }}) as border_xa_count,
        cast(border_ntm_communes as {{ dbt.type_bigint() }}) as border_ntm_communes,
        cast(difficult_xa_count as {{ dbt.type_bigint() }}) as difficult_xa_count,
        cast(difficult_ntm_communes as {{ dbt.type_bigint() }}) as difficult_ntm_communes
    from all_rows

)

select * from final
