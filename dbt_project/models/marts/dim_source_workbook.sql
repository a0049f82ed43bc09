{#
    Every received workbook version (accepted or rejected), with whether it is the version in
    force for its (province, district, quarter), the version in force (in_force_sha256), and, if
    it is an accepted version that a later accepted ARRIVAL replaced, its DIRECT successor: the
    version of the next accepted arrival after this version's last arrival, in the documented
    order of int_workbook_arrivals (arrived_at, file_modified_at, file_name). A rejected version
    never replaces anything, so it is nobody's successor. An earlier version sent again (A, B, A)
    is in force again, and B is superseded by A. Each version also carries its arrival history.
#}
with

workbook_versions as (

    select * from {{ ref('stg_raw__workbook_versions') }}

),

workbook_arrivals as (

    select * from {{ ref('int_workbook_arrivals') }}

),

current_workbooks as (

    select * from {{ ref('int_workbooks__current') }}

),

sequenced as (

    select
        *,
        row_number() over (
            partition by province_code, quarter, workbook_kind, reporter_code
            order by received_at, file_modified_at, file_name, workbook_sha256
        ) as version_number
    from workbook_versions

),

arrival_history as (

    select
        workbook_sha256,
        count(*) as arrival_count,
        max(arrived_at) as last_arrived_at,
        max(district_arrival_number) as last_district_arrival_number,
        {{ dbt.listagg(
            "cast(arrived_at as " ~ dbt.type_string() ~ ") || ' ' || file_name || ' ('"
            ~ " || received_basis || ')'",
            "'; '",
            "order by arrival_number"
        ) }} as arrival_history
    from workbook_arrivals
    group by workbook_sha256

),

last_arrivals as (

    select
        arrival_history.*,
        workbook_arrivals.file_name as last_arrival_file_name
    from arrival_history
    inner join workbook_arrivals
        on arrival_history.workbook_sha256 = workbook_arrivals.workbook_sha256
        and arrival_history.arrival_count = workbook_arrivals.arrival_number

),

accepted_sequence as (

    select
        workbook_sha256,
        district_arrival_number,
        lead(workbook_sha256) over (
            partition by province_code, quarter, workbook_kind, reporter_code
            order by district_arrival_number
        ) as next_accepted_sha256,
        lead(arrived_at) over (
            partition by province_code, quarter, workbook_kind, reporter_code
            order by district_arrival_number
        ) as next_accepted_arrived_at
    from workbook_arrivals
    where is_accepted

),

successors as (

    -- the accepted arrival right after the version's last arrival
    select
        last_arrivals.workbook_sha256,
        accepted_sequence.next_accepted_sha256,
        accepted_sequence.next_accepted_arrived_at
    from last_arrivals
    inner join accepted_sequence
        on last_arrivals.workbook_sha256 = accepted_sequence.workbook_sha256
        and last_arrivals.last_district_arrival_number = accepted_sequence.district_arrival_number

),

joined as (

    select
        sequenced.workbook_sha256,
        sequenced.load_id,
        sequenced.file_name,
        sequenced.file_size_bytes,
        sequenced.archive_path,
        sequenced.received_at,
        sequenced.file_modified_at,
        sequenced.received_basis,
        sequenced.status,
        sequenced.status = '{{ var("accepted_status") }}' as is_accepted,
        sequenced.error_count,
        sequenced.warning_count,
        sequenced.province_code,
        sequenced.province_name,
        sequenced.district_code,
        sequenced.district_name,
        sequenced.quarter,
        sequenced.prepared_on,
        sequenced.prepared_by,
        sequenced.criteria_set,
        sequenced.poverty_standard,
        sequenced.version_number,
        coalesce(last_arrivals.arrival_count, 0) as arrival_count,
        last_arrivals.last_arrived_at,
        last_arrivals.last_arrival_file_name,
        last_arrivals.arrival_history,
        current_workbooks.workbook_sha256 as current_workbook_sha256,
        successors.next_accepted_sha256,
        successors.next_accepted_arrived_at
    from sequenced
    left join last_arrivals
        on sequenced.workbook_sha256 = last_arrivals.workbook_sha256
    left join successors
        on sequenced.workbook_sha256 = successors.workbook_sha256
    left join current_workbooks
        on sequenced.province_code = current_workbooks.province_code
        and sequenced.district_code = current_workbooks.district_code
        and sequenced.quarter = current_workbooks.quarter

),

final as (

    select
        workbook_sha256,
        load_id,
        file_name,
        file_size_bytes,
        archive_path,
        received_at,
        file_modified_at,
        received_basis,
        status,
        is_accepted,
        error_count,
        warning_count,
        province_code,
        province_name,
        district_code,
        district_name,
        quarter,
        prepared_on,
        prepared_by,
        criteria_set,
        poverty_standard,
        version_number,
        coalesce(workbook_sha256 = current_workbook_sha256, false) as is_current,
        coalesce(is_accepted and workbook_sha256 <> current_workbook_sha256, false)
            as is_superseded,
        case
            when is_accepted and workbook_sha256 <> current_workbook_sha256
                then next_accepted_sha256
        end as superseded_by_sha256,
        case
            when is_accepted and workbook_sha256 <> current_workbook_sha256
                then next_accepted_arrived_at
        end as superseded_at,
        current_workbook_sha256 as in_force_sha256,
        arrival_count,
        last_arrived_at,
        last_arrival_file_name,
        arrival_history
    from joined

)

select * from final
