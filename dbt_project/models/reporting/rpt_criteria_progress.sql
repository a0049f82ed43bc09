{#
    Per criterion: how many xã of an area met it on the quarter's last day, in both eras.
    Up to 2025Q2 the reporters are districts: one row per criterion for every expected district
    (the reporting calendar), reported or not, plus province rows (district_code null) summing
    its reporting districts. From 2025Q3 the reporters are the current commune-level units:
    there are no districts, so only province rows (a commune's own criteria: rpt_commune_status).

    Criteria sets are never mixed: criterion 5 of QĐ 1980/2016 and criterion 5 of QĐ 318/2022 are
    different yardsticks, and QĐ 51/2025 has ten criteria numbered differently. A province row
    sums the reporters of ONE criteria set; a province quarter whose reporters declared two sets
    (2021-2022, or 2026 when QĐ 318/2022 and QĐ 51/2025 workbooks meet) has one row per
    criterion of each set. Coverage on a province row: districts_expected / reporters_expected
    count every expected reporter of the province quarter; districts_reporting /
    reporters_reporting those reporting under the row's set (so a set row of a split quarter is
    never is_complete). A district without a report lists the criteria of the set in force on
    the quarter's last day (the latest set whose first year is not after it) with criteria_set
    null and null measures; so does a province quarter in which nobody reported.

    Denominators count xã only (never phường, thị trấn or đặc khu): up to 2025Q2 by the GSO unit
    valid on the quarter's last day (dim_commune), from 2025Q3 by the current unit's type
    (admin_units_2025), exactly as rpt_attainment.
#}
with

reporter_reports as (

    select * from {{ ref('int_district_reports') }}

),

criterion_status as (

    select * from {{ ref('fct_commune_criterion_status') }}

),

communes as (

    select * from {{ ref('dim_commune') }}

),

current_units as (

    select * from {{ ref('stg_reference__admin_units_2025') }}

),

criteria as (

    select * from {{ ref('dim_criterion') }}

),

xa_status as (

    -- district era: a xã by the GSO unit valid on the quarter's last day; its reporter is
    -- its district
    select
        criterion_status.quarter,
        criterion_status.province_code,
        criterion_status.district_code as reporter_code,
        criterion_status.criteria_set,
        criterion_status.criterion_no,
        case when criterion_status.is_met then 1 else 0 end as is_met
    from criterion_status
    inner join communes
        on criterion_status.commune_sk = communes.commune_sk
    where communes.is_xa
        and criterion_status.workbook_kind = 'district'

    union all

    -- commune era: a xã by the current unit's type; it reports itself
    select
        criterion_status.quarter,
        criterion_status.province_code,
        criterion_status.commune_code as reporter_code,
        criterion_status.criteria_set,
        criterion_status.criterion_no,
        case when criterion_status.is_met then 1 else 0 end as is_met
    from criterion_status
    inner join current_units
        on criterion_status.commune_code = current_units.commune_code
        and criterion_status.province_code = current_units.province_code
    where current_units.commune_type = 'Xã'
        and criterion_status.workbook_kind = 'commune'

),

reporter_totals as (

    select
        quarter,
        province_code,
        reporter_code,
        criteria_set,
        criterion_no,
        count(*) as xa_count,
        sum(is_met) as xa_meeting
    from xa_status
    group by quarter, province_code, reporter_code, criteria_set, criterion_no

),

reporter_criteria as (

    -- every criterion of the set a reporting reporter declared, with its xã (0 when the
    -- reporter has none: a phường reporting for itself)
    select
        reporter_reports.quarter,
        reporter_reports.province_code,
        reporter_reports.reporter_level,
        reporter_reports.reporter_code,
        criteria.criteria_set,
        criteria.criterion_no,
        coalesce(reporter_totals.xa_count, 0) as xa_count,
        coalesce(reporter_totals.xa_meeting, 0) as xa_meeting
    from reporter_reports
    inner join criteria
        on reporter_reports.criteria_set = criteria.criteria_set
    left join reporter_totals
        on reporter_reports.quarter = reporter_totals.quarter
        and reporter_reports.province_code = reporter_totals.province_code
        and reporter_reports.reporter_code = reporter_totals.reporter_code
        and criteria.criteria_set = reporter_totals.criteria_set
        and criteria.criterion_no = reporter_totals.criterion_no
    where reporter_reports.has_report

),

set_years as (

    select distinct criteria_set_first_year
    from criteria

),

province_quarters as (

    select
        quarter,
        province_code,
        min(province_name) as province_name,
        min(reporter_level) as reporter_level,
        min(year_number) as year_number,
        count(*) as reporters_expected,
        sum(case when has_report then 1 else 0 end) as reporters_reporting
    from reporter_reports
    group by quarter, province_code

),

criteria_in_force as (

    -- the criteria listed where nobody reported: those of the set in force on the quarter's
    -- last day (the latest set whose first year is not after the quarter's year)
    select
        province_quarters.quarter,
        province_quarters.province_code,
        criteria.criterion_no,
        criteria.group_no,
        criteria.criterion_name_vi,
        criteria.criterion_name_en
    from province_quarters
    inner join criteria
        on criteria.criteria_set_first_year = (
            select max(set_years.criteria_set_first_year)
            from set_years
            where set_years.criteria_set_first_year <= province_quarters.year_number
        )

),

district_rows as (

    select
        reporter_reports.quarter,
        reporter_reports.province_code,
        reporter_reports.province_name,
        reporter_reports.district_code,
        reporter_reports.district_name,
        reporter_reports.reporter_level,
        reporter_reports.has_report,
        1 as districts_expected,
        case when reporter_reports.has_report then 1 else 0 end as districts_reporting,
        coalesce(criteria.criterion_no, criteria_in_force.criterion_no) as criterion_no,
        criteria.criteria_set,
        criteria.criterion_key,
        coalesce(criteria.group_no, criteria_in_force.group_no) as group_no,
        coalesce(criteria.criterion_name_vi, criteria_in_force.criterion_name_vi)
            as criterion_name_vi,
        coalesce(criteria.criterion_name_en, criteria_in_force.criterion_name_en)
            as criterion_name_en,
        reporter_criteria.xa_count,
        reporter_criteria.xa_meeting
    from reporter_reports
    left join criteria
        on reporter_reports.has_report
        and reporter_reports.criteria_set = criteria.criteria_set
    left join criteria_in_force
        on not reporter_reports.has_report
        and reporter_reports.quarter = criteria_in_force.quarter
        and reporter_reports.province_code = criteria_in_force.province_code
    left join reporter_criteria
        on reporter_reports.quarter = reporter_criteria.quarter
        and reporter_reports.province_code = reporter_criteria.province_code
        and reporter_reports.reporter_code = reporter_criteria.reporter_code
        and criteria.criterion_no = reporter_criteria.criterion_no
    where reporter_reports.reporter_level = 'district'

),

set_totals as (

    select
        quarter,
        province_code,
        criteria_set,
        criterion_no,
        count(*) as reporters_reporting,
        sum(xa_count) as xa_count,
        sum(xa_meeting) as xa_meeting
    from reporter_criteria
    group by quarter, province_code, criteria_set, criterion_no

),

province_set_rows as (

    select
        province_quarters.quarter,
        province_quarters.province_code,
        province_quarters.province_name,
        cast(null as {{ dbt.type_string() }}) as district_code,
        cast(null as {{ dbt.type_string() }}) as district_name,
        province_quarters.reporter_level,
        true as has_report,
        province_quarters.reporters_expected as districts_expected,
        set_totals.reporters_reporting as districts_reporting,
        set_totals.criterion_no,
        set_totals.criteria_set,
        criteria.criterion_key,
        criteria.group_no,
        criteria.criterion_name_vi,
        criteria.criterion_name_en,
        set_totals.xa_count,
        set_totals.xa_meeting
    from set_totals
    inner join province_quarters
        on set_totals.quarter = province_quarters.quarter
        and set_totals.province_code = province_quarters.province_code
    inner join criteria
        on set_totals.criteria_set = criteria.criteria_set
        and set_totals.criterion_no = criteria.criterion_no

),

province_silent_rows as (

    select
        province_quarters.quarter,
        province_quarters.province_code,
        province_quarters.province_name,
        cast(null as {{ dbt.type_string() }}) as district_code,
        cast(null as {{ dbt.type_string() }}) as district_name,
        province_quarters.reporter_level,
        false as has_report,
        province_quarters.reporters_expected as districts_expected,
        0 as districts_reporting,
        criteria_in_force.criterion_no,
        cast(null as {{ dbt.type_string() }}) as criteria_set,
        cast(null as {{ dbt.type_string() }}) as criterion_key,
        criteria_in_force.group_no,
        criteria_in_force.criterion_name_vi,
        criteria_in_force.criterion_name_en,
        cast(null as {{ dbt.type_bigint() }}) as xa_count,
        cast(null as {{ dbt.type_bigint() }}) as xa_meeting
    from province_quarters
    inner join criteria_in_force
        on province_quarters.quarter = criteria_in_force.quarter
        and province_quarters.province_code = criteria_in_force.province_code
    where province_quarters.reporters_reporting = 0

),

all_rows as (

    select * from district_rows
    union all
    select * from province_set_rows
    union all
    select * from province_silent_rows

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
        cast(criterion_no as {{ dbt.type_int() }}) as criterion_no,
        cast(criteria_set as {{ dbt.type_string() }}) as criteria_set,
        cast(criterion_key as {{ dbt.type_string() }}) as criterion_key,
        cast(group_no as {{ dbt.type_string() }}) as group_no,
        cast(criterion_name_vi as {{ dbt.type_string() }}) as criterion_name_vi,
        cast(criterion_name_en as {{ dbt.type_string() }}) as criterion_name_en,
        cast(xa_count as {{ dbt.type_bigint() }}) as xa_count,
        cast(xa_meeting as {{ dbt.type_bigint() }}) as xa_meeting,
        {{ ntm.round_double('100 * ' ~ ntm.safe_divide('xa_meeting', 'xa_count'), 2) }}
            as share_pct,
        cast(reporter_level as {{ dbt.type_string() }}) as reporter_level,
        cast(districts_expected as {{ dbt.type_bigint() }}) as reporters_expected,
        cast(districts_reporting as {{ dbt.type_bigint() }}) as reporters_reporting
    from all_rows

)

select * from final
