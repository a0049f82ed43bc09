{{ config(meta={'dagster': {'ref': {'name': 'rpt_attainment'}}}) }}
{#
    Criteria sets are never mixed: every province row of rpt_attainment equals the sums of the
    communes (fct_commune_recognition, xã only) of ONE criteria set, the row's, reported by the
    province's reporters in force that quarter; its criteria_count is its set's; a province
    quarter has exactly one province row per set reported (and one, criteria_set null, when
    nothing was). A blend (a row counting communes of two sets, or a set missing its row) is
    returned. Holds for both eras (district workbooks up to 2025Q2, commune workbooks after).
#}
with

attainment as (

    select * from {{ ref('rpt_attainment') }}

),

recognition as (

    select * from {{ ref('fct_commune_recognition') }}

),

reports as (

    select * from {{ ref('int_district_reports') }}
    where has_report

),

-- the sets the reporters in force declared, and their communes (xã or not: the view narrows
-- to xã, so its count can never exceed this one; a reporter may list none)
set_communes as (

    select
        reports.quarter,
        reports.province_code,
        reports.criteria_set,
        count(recognition.commune_code) as communes,
        count(distinct recognition.criteria_count) as criteria_counts,
        max(recognition.criteria_count) as criteria_count
    from reports
    left join recognition
        on reports.workbook_sha256 = recognition.workbook_sha256
    group by reports.quarter, reports.province_code, reports.criteria_set

),

province_rows as (

    select *
    from attainment
    where district_code is null and criteria_set is not null

),

compared as (

    select
        coalesce(province_rows.quarter, set_communes.quarter) as quarter,
        coalesce(province_rows.province_code, set_communes.province_code) as province_code,
        coalesce(province_rows.criteria_set, set_communes.criteria_set) as criteria_set,
        province_rows.xa_count,
        set_communes.communes
    from province_rows
    full outer join set_communes
        on province_rows.quarter = set_communes.quarter
        and province_rows.province_code = set_communes.province_code
        and province_rows.criteria_set = set_communes.criteria_set
    where province_rows.quarter is null
        or set_communes.quarter is null
        or set_communes.criteria_counts > 1
        or province_rows.criteria_count <> coalesce(set_communes.criteria_count, province_rows.criteria_count)
        or province_rows.xa_count > set_communes.communes

),

duplicated as (

    select
        quarter,
        province_code,
        criteria_set,
        count(*) as xa_count,
        cast(null as {{ dbt.type_bigint() }}) as communes
    from attainment
    where district_code is null
    group by quarter, province_code, criteria_set
    having count(*) > 1

),

final as (

    select * from compared
    union all
    select * from duplicated

)

select * from final
