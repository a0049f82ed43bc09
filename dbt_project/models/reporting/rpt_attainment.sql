{#
    NTM criteria attainment per expected district and quarter (the reporting calendar, reported
    or not), plus one province row per quarter (district_code null) summing its reporting
    districts. A district without a workbook in force has its row with has_report false and
    null measures (never 0); every row says how complete it is (districts_expected,
    districts_reporting, is_complete). Denominators count xã only (never phường or thị trấn);
    border / especially difficult flags are those valid on the quarter's last day. Province
    averages are total criteria met / total xã, not an average of district averages.
#}
with

district_reports as (

    select * from {{ ref('int_district_reports') }}

),

recognition as (

    select * from {{ ref('fct_commune_recognition') }}

),

communes as (

    select * from {{ ref('dim_commune') }}

),

expected_districts as (

    select
        quarter,
        province_code,
        province_name,
        district_code,
        district_name,
        has_report,
        criteria_set
    from district_reports

),

xa_status as (

    select
        recognition.quarter,
        recognition.province_code,
        recognition.district_code,
        recognition.criteria_met,
        case when recognition.is_ntm_recognised then 1 else 0 end as is_ntm,
        case when recognition.ntm_level = 'NTM nâng cao' then 1 else 0 end as is_advanced,
        case when recognition.ntm_level = 'NTM kiểu mẫu' then 1 else 0 end as is_model,
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
        sum(is_advanced) as advanced_ntm_communes,
        sum(is_model) as model_ntm_communes,
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

    -- every expected district; measures only where a workbook is in force (a reporting
    -- district with no xã still counts 0 xã: it reported, it has none)
    select
        expected_districts.quarter,
        expected_districts.province_code,
        expected_districts.province_name,
        expected_districts.district_code,
        expected_districts.district_name,
        expected_districts.has_report,
        case when expected_districts.has_report then expected_districts.criteria_set end
            as criteria_set,
        1 as districts_expected,
        case when expected_districts.has_report then 1 else 0 end as districts_reporting,
        case when expected_districts.has_report then coalesce(district_totals.xa_count, 0) end as xa_count,
        case when expected_districts.has_report then coalesce(district_totals.ntm_communes, 0) end as ntm_communes,
        case when expected_districts.has_report then coalesce(district_totals.advanced_ntm_communes, 0) end as advanced_ntm_communes,
        case when expected_districts.has_report then coalesce(district_totals.model_ntm_communes, 0) end as model_ntm_communes,
        case when expected_districts.has_report then coalesce(district_totals.criteria_met_total, 0) end as criteria_met_total,
        case when expected_districts.has_report then coalesce(district_totals.communes_19, 0) end as communes_19,
        case when expected_districts.has_report then coalesce(district_totals.communes_15_18, 0) end as communes_15_18,
        case when expected_districts.has_report then coalesce(district_totals.communes_10_14, 0) end as communes_10_14,
        case when expected_districts.has_report then coalesce(district_totals.communes_5_9, 0) end as communes_5_9,
        case when expected_districts.has_report then coalesce(district_totals.communes_below_5, 0) end as communes_below_5,
        case when expected_districts.has_report then coalesce(district_totals.border_xa_count, 0) end as border_xa_count,
        case when expected_districts.has_report then coalesce(district_totals.border_ntm_communes, 0) end as border_ntm_communes,
        case when expected_districts.has_report then coalesce(district_totals.difficult_xa_count, 0) end as difficult_xa_count,
        case when expected_districts.has_report then coalesce(district_totals.difficult_ntm_communes, 0) end as difficult_ntm_communes
    from expected_districts
    left join district_totals
        on expected_districts.quarter = district_totals.quarter
        and expected_districts.province_code = district_totals.province_code
        and expected_districts.district_code = district_totals.district_code

),

province_rows as (

    -- sums of the reporting districts (sum() skips the null rows of the others: null when no
    -- district reported); one criteria set only when every reporting district declared it
    select
        quarter,
        province_code,
        min(province_name) as province_name,
        cast(null as {{ dbt.type_string() }}) as district_code,
        cast(null as {{ dbt.type_string() }}) as district_name,
        sum(districts_reporting) > 0 as has_report,
        case when min(criteria_set) = max(criteria_set) then min(criteria_set) end
            as criteria_set,
        sum(districts_expected) as districts_expected,
        sum(districts_reporting) as districts_reporting,
        sum(xa_count) as xa_count,
        sum(ntm_communes) as ntm_communes,
        sum(advanced_ntm_communes) as advanced_ntm_communes,
        sum(model_ntm_communes) as model_ntm_communes,
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
        cast(province_name as {{ dbt.type_string() }}) as province_name,
        cast(district_code as {{ dbt.type_string() }}) as district_code,
        cast(district_name as {{ dbt.type_string() }}) as district_name,
        cast(has_report as {{ dbt.type_boolean() }}) as has_report,
        cast(districts_expected as {{ dbt.type_bigint() }}) as districts_expected,
        cast(districts_reporting as {{ dbt.type_bigint() }}) as districts_reporting,
        cast(districts_reporting = districts_expected as {{ dbt.type_boolean() }})
            as is_complete,
        cast(criteria_set as {{ dbt.type_string() }}) as criteria_set,
        cast(xa_count as {{ dbt.type_bigint() }}) as xa_count,
        cast(ntm_communes as {{ dbt.type_bigint() }}) as ntm_communes,
        cast(advanced_ntm_communes as {{ dbt.type_bigint() }}) as advanced_ntm_communes,
        cast(model_ntm_communes as {{ dbt.type_bigint() }}) as model_ntm_communes,
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
