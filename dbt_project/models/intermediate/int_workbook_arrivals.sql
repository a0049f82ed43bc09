{#
    Every arrival of every workbook version, with the version's validation outcome and cover, in
    the documented order of arrivals of one reporter's quarter (province, quarter, workbook kind,
    reporter: the district up to 2025Q2, the commune-level unit from 2025Q3): arrived_at, then the
    file's modification time, then the file name (then the sha256 and the arrival id, for identical
    names and times). A version loaded before raw.arrivals recorded arrivals (or a fixture without
    them) arrived once, as its version row says.
#}
with

workbook_versions as (

    select * from {{ ref('stg_raw__workbook_versions') }}

),

recorded_arrivals as (

    select * from {{ ref('stg_raw__arrivals') }}

),

versions_without_arrival as (

    select
        workbook_versions.workbook_sha256 as arrival_id,
        workbook_versions.workbook_sha256,
        workbook_versions.load_id,
        workbook_versions.file_name,
        workbook_versions.file_size_bytes,
        workbook_versions.file_modified_at,
        workbook_versions.received_at as arrived_at,
        workbook_versions.received_basis
    from workbook_versions
    left join recorded_arrivals
        on workbook_versions.workbook_sha256 = recorded_arrivals.workbook_sha256
    where recorded_arrivals.arrival_id is null

),

all_arrivals as (

    select
        arrival_id,
        workbook_sha256,
        load_id,
        file_name,
        file_size_bytes,
        file_modified_at,
        arrived_at,
        received_basis
    from recorded_arrivals

    union all

    select
        arrival_id,
        workbook_sha256,
        load_id,
        file_name,
        file_size_bytes,
        file_modified_at,
        arrived_at,
        received_basis
    from versions_without_arrival

),

joined as (

    select
        all_arrivals.arrival_id,
        all_arrivals.workbook_sha256,
        all_arrivals.load_id,
        all_arrivals.file_name,
        all_arrivals.file_size_bytes,
        all_arrivals.file_modified_at,
        all_arrivals.arrived_at,
        all_arrivals.received_basis,
        workbook_versions.status,
        workbook_versions.status = '{{ var("accepted_status") }}' as is_accepted,
        workbook_versions.province_code,
        workbook_versions.district_code,
        workbook_versions.quarter,
        workbook_versions.workbook_kind,
        workbook_versions.reporter_code
    from all_arrivals
    inner join workbook_versions
        on all_arrivals.workbook_sha256 = workbook_versions.workbook_sha256

),

ordered as (

    select
        *,
        row_number() over (
            partition by workbook_sha256
            order by arrived_at, file_modified_at, file_name, arrival_id
        ) as arrival_number,
        row_number() over (
            partition by province_code, quarter, workbook_kind, reporter_code
            order by arrived_at, file_modified_at, file_name, workbook_sha256, arrival_id
        ) as district_arrival_number
    from joined

),

final as (

    select * from ordered

)

select * from final
