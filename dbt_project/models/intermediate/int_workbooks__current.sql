{#
    The workbook version in force for each reporter's quarter (province, quarter, workbook kind,
    reporter: a district up to 2025Q2, a commune-level unit from 2025Q3): the version of the
    latest ACCEPTED ARRIVAL, in the documented order of int_workbook_arrivals (arrived_at, then
    the file's modification time, then the file name). An earlier version sent again arrives again
    and is in force again, though its bytes were seen before. Rejected versions never count, so a
    newer rejected resubmission leaves the previously accepted version in force.
#}
with

workbook_versions as (

    select * from {{ ref('stg_raw__workbook_versions') }}

),

workbook_arrivals as (

    select * from {{ ref('int_workbook_arrivals') }}

),

accepted_arrivals as (

    select *
    from workbook_arrivals
    where is_accepted

),

ranked_arrivals as (

    select
        *,
        row_number() over (
            partition by province_code, quarter, workbook_kind, reporter_code
            order by
                arrived_at desc,
                file_modified_at desc,
                file_name desc,
                workbook_sha256 desc,
                arrival_id desc
        ) as accepted_arrival_rank,
        -- the distinct versions of the reporter's quarter: count(distinct) is no window
        -- function on PostgreSQL; ranks up plus ranks down (sha256 is never null) count them
        dense_rank() over (
            partition by province_code, quarter, workbook_kind, reporter_code
            order by workbook_sha256
        ) + dense_rank() over (
            partition by province_code, quarter, workbook_kind, reporter_code
            order by workbook_sha256 desc
        ) - 1 as accepted_version_count
    from accepted_arrivals

),

current_versions as (

    select
        workbook_versions.province_code,
        workbook_versions.district_code,
        workbook_versions.quarter,
        workbook_versions.workbook_kind,
        workbook_versions.reporter_code,
        workbook_versions.commune_code,
        workbook_versions.commune_name,
        workbook_versions.commune_group,
        workbook_versions.workbook_sha256,
        workbook_versions.load_id,
        workbook_versions.file_name,
        workbook_versions.received_at,
        workbook_versions.criteria_set,
        workbook_versions.poverty_standard,
        workbook_versions.prepared_on,
        ranked_arrivals.accepted_version_count,
        ranked_arrivals.arrival_id,
        ranked_arrivals.file_name as arrival_file_name,
        ranked_arrivals.arrived_at
    from ranked_arrivals
    inner join workbook_versions
        on ranked_arrivals.workbook_sha256 = workbook_versions.workbook_sha256
    where ranked_arrivals.accepted_arrival_rank = 1

),

final as (

    select * from current_versions

)

select * from final
