{{ config(meta={'dagster': {'ref': {'name': 'rpt_criteria_progress'}}}) }}
{#
    rpt_criteria_progress and rpt_attainment describe the same xã: for every (quarter,
    province_code, district_code, criteria_set) both have a row, every criterion's xa_count equals
    rpt_attainment.xa_count, and the xa_meeting of all criteria sum to the criteria met behind
    rpt_attainment.avg_criteria_met (avg × xa_count, within its 2-decimal rounding). Both say
    the same about coverage (has_report, districts_expected, districts_reporting); where there
    is no report every measure of both is null. Both eras: a province row of each criteria set
    (districts up to 2025Q2, communes from 2025Q3). Returns the offending rows.
#}
with

progress as (

    select
        quarter,
        province_code,
        district_code,
        criteria_set,
        count(*) as criteria_rows,
        min(cast(has_report as integer)) as min_has_report,
        max(cast(has_report as integer)) as max_has_report,
        min(districts_expected) as districts_expected,
        max(districts_reporting) as districts_reporting,
        count(xa_count) as rows_with_xa_count,
        min(xa_count) as min_xa_count,
        max(xa_count) as max_xa_count,
        sum(xa_meeting) as criteria_met_total
    from {{ ref('rpt_criteria_progress') }}
    group by quarter, province_code, district_code, criteria_set

),

attainment as (

    select * from {{ ref('rpt_attainment') }}

),

compared as (

    select
        coalesce(progress.quarter, attainment.quarter) as quarter,
        coalesce(progress.province_code, attainment.province_code) as province_code,
        coalesce(progress.district_code, attainment.district_code) as district_code,
        coalesce(progress.criteria_set, attainment.criteria_set) as criteria_set,
        progress.criteria_rows,
        progress.min_has_report,
        progress.max_has_report,
        progress.rows_with_xa_count,
        progress.districts_expected as progress_districts_expected,
        progress.districts_reporting as progress_districts_reporting,
        attainment.has_report,
        attainment.districts_expected,
        attainment.districts_reporting,
        progress.min_xa_count,
        progress.max_xa_count,
        attainment.xa_count,
        progress.criteria_met_total,
        attainment.avg_criteria_met
    from progress
    full outer join attainment
        on progress.quarter = attainment.quarter
        and progress.province_code = attainment.province_code
        and coalesce(progress.district_code, '') = coalesce(attainment.district_code, '')
        and coalesce(progress.criteria_set, '') = coalesce(attainment.criteria_set, '')

)

select *
from compared
where criteria_rows is null
    or has_report is null
    or min_has_report <> max_has_report
    or min_has_report <> cast(has_report as integer)
    or progress_districts_expected <> districts_expected
    or progress_districts_reporting <> districts_reporting
    or (has_report and (xa_count is null or rows_with_xa_count <> criteria_rows))
    or (not has_report and (xa_count is not null or rows_with_xa_count > 0))
    or min_xa_count <> xa_count
    or max_xa_count <> xa_count
    or (
        xa_count > 0
        and abs(criteria_met_total - avg_criteria_met * xa_count) > 0.005 * xa_count + 0.000001
    )
