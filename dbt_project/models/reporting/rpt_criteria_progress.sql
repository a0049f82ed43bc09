{#
    Per criterion: how many xã of a district (and of the province: district_code null) met it on
    the quarter's last day. Denominators count xã only (never phường or thị trấn), exactly as
    rpt_attainment. Every expected district of the reporting calendar has its rows, reported or
    not: a reporting district one per criterion of the set its workbook declared, a district
    without a report one per criterion of the province's set that quarter (measures null,
    has_report false). Names come from that set; a province row whose districts declared
    different sets has criteria_set null and the names of the later set.
#}
with

district_reports as (

    -- district-era quarters (up to 2025Q2) only, for now: commune-era quarters get their
    -- province rows here once this view sums commune reporters (rpt_attainment and
    -- rpt_commune_status carry them meanwhile)
    select * from {{ ref('int_district_reports') }}
    where reporter_level = 'district'

),

criterion_status as (

    select * from {{ ref('fct_commune_criterion_status') }}

),

communes as (

    select * from {{ ref('dim_commune') }}

),

criteria as (

    select * from {{ ref('dim_criterion') }}

),

reporting_districts as (

    select
        quarter,
        province_code,
        district_code,
        criteria_set
    from district_reports
    where has_report

),

xa_status as (

    select
        criterion_status.quarter,
        criterion_status.province_code,
        criterion_status.district_code,
        criterion_status.criterion_no,
        case when criterion_status.is_met then 1 else 0 end as is_met
    from criterion_status
    inner join communes
        on criterion_status.commune_sk = communes.commune_sk
    where communes.is_xa

),

district_totals as (

    select
        quarter,
        province_code,
        district_code,
        criterion_no,
        count(*) as xa_count,
        sum(is_met) as xa_meeting
    from xa_status
    group by quarter, province_code, district_code, criterion_no

),

set_years as (

    select distinct criteria_set_first_year
    from criteria

),

province_quarters as (

    select
        district_reports.quarter,
        district_reports.province_code,
        max(set_years.criteria_set_first_year) as set_first_year_in_force
    from district_reports
    left join set_years
        on set_years.criteria_set_first_year <= district_reports.year_number
    group by district_reports.quarter, district_reports.province_code

),

province_sets as (

    select
        reporting_districts.quarter,
        reporting_districts.province_code,
        min(reporting_districts.criteria_set) as min_criteria_set,
        max(reporting_districts.criteria_set) as max_criteria_set,
        max(criteria.criteria_set_first_year) as latest_set_first_year
    from reporting_districts
    inner join criteria
        on reporting_districts.criteria_set = criteria.criteria_set
    group by reporting_districts.quarter, reporting_districts.province_code

),

province_criteria as (

    -- the criteria a province row (and a district without a report) lists: those of the
    -- later set the reporting districts declared; without any report that quarter, the set in
    -- force on the quarter's last day (the latest set whose first year is not after it)
    select
        quarters.quarter,
        quarters.province_code,
        criteria.criterion_no,
        criteria.group_no,
        criteria.criterion_name_vi,
        criteria.criterion_name_en,
        case
            when province_sets.min_criteria_set = province_sets.max_criteria_set
                then province_sets.min_criteria_set
        end as criteria_set,
        case
            when province_sets.min_criteria_set = province_sets.max_criteria_set
                then criteria.criterion_key
        end as criterion_key
    from province_quarters as quarters
    left join province_sets
        on quarters.quarter = province_sets.quarter
        and quarters.province_code = province_sets.province_code
    inner join criteria
        on criteria.criteria_set_first_year = coalesce(
            province_sets.latest_set_first_year, quarters.set_first_year_in_force
        )

),

district_rows as (

    select
        district_reports.quarter,
        district_reports.province_code,
        district_reports.province_name,
        district_reports.district_code,
        district_reports.district_name,
        district_reports.has_report,
        1 as districts_expected,
        case when district_reports.has_report then 1 else 0 end as districts_reporting,
        coalesce(criteria.criterion_no, province_criteria.criterion_no) as criterion_no,
        criteria.criteria_set,
        criteria.criterion_key,
        coalesce(criteria.group_no, province_criteria.group_no) as group_no,
        coalesce(criteria.criterion_name_vi, province_criteria.criterion_name_vi)
            as criterion_name_vi,
        coalesce(criteria.criterion_name_en, province_criteria.criterion_name_en)
            as criterion_name_en,
        case when district_reports.has_report then coalesce(district_totals.xa_count, 0) end
            as xa_count,
        case when district_reports.has_report then coalesce(district_totals.xa_meeting, 0) end
            as xa_meeting
    from district_reports
    left join criteria
        on district_reports.has_report
        and district_reports.criteria_set = criteria.criteria_set
    left join province_criteria
        on not district_reports.has_report
        and district_reports.quarter = province_criteria.quarter
        and district_reports.province_code = province_criteria.province_code
    left join district_totals
        on district_reports.quarter = district_totals.quarter
        and district_reports.province_code = district_totals.province_code
        and district_reports.district_code = district_totals.district_code
        and criteria.criterion_no = district_totals.criterion_no

),

province_totals as (

    select
        quarter,
        province_code,
        min(province_name) as province_name,
        criterion_no,
        sum(districts_expected) as districts_expected,
        sum(districts_reporting) as districts_reporting,
        sum(xa_count) as xa_count,
        sum(xa_meeting) as xa_meeting
    from district_rows
    group by quarter, province_code, criterion_no

),

province_rows as (

    select
        province_totals.quarter,
        province_totals.province_code,
        province_totals.province_name,
        cast(null as {{ dbt.type_string() }}) as district_code,
        cast(null as {{ dbt.type_string() }}) as district_name,
        province_totals.districts_reporting > 0 as has_report,
        province_totals.districts_expected,
        province_totals.districts_reporting,
        province_totals.criterion_no,
        province_criteria.criteria_set,
        province_criteria.criterion_key,
        province_criteria.group_no,
        province_criteria.criterion_name_vi,
        province_criteria.criterion_name_en,
        province_totals.xa_count,
        province_totals.xa_meeting
    from province_totals
    inner join province_criteria
        on province_totals.quarter = province_criteria.quarter
        and province_totals.province_code = province_criteria.province_code
        and province_totals.criterion_no = province_criteria.criterion_no

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
        cast(criterion_no as {{ dbt.type_int() }}) as criterion_no,
        cast(criteria_set as {{ dbt.type_string() }}) as criteria_set,
        cast(criterion_key as {{ dbt.type_string() }}) as criterion_key,
        cast(group_no as {{ dbt.type_string() }}) as group_no,
        cast(criterion_name_vi as {{ dbt.type_string() }}) as criterion_name_vi,
        cast(criterion_name_en as {{ dbt.type_string() }}) as criterion_name_en,
        cast(xa_count as {{ dbt.type_bigint() }}) as xa_count,
        cast(xa_meeting as {{ dbt.type_bigint() }}) as xa_meeting,
        {{ ntm.round_double('100 * ' ~ ntm.safe_divide('xa_meeting', 'xa_count'), 2) }}
            as share_pct
    from all_rows

)

select * from final
