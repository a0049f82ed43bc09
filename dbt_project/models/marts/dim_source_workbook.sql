{#
    Every received workbook version (accepted or rejected), with whether it is the version in
    force for its (province, district, quarter), the version in force (in_force_sha256), and, if
    it is an accepted version that a newer accepted one replaced, its DIRECT successor: the next
    accepted version received for the same (province, district, quarter), in the order
    int_workbooks__current ranks them (received_at, file_modified_at, workbook_sha256). A rejected
    version never replaces anything, so it is nobody's successor.
#}
with

workbook_versions as (

    select * from {{ ref('stg_raw__workbook_versions') }}

),

current_workbooks as (

    select * from {{ ref('int_workbooks__current') }}

),

sequenced as (

    select
        *,
        row_number() over (
            partition by province_code, district_code, quarter
            order by received_at, file_modified_at, workbook_sha256
        ) as version_number
    from workbook_versions

),

accepted_sequence as (

    select
        workbook_sha256,
        lead(workbook_sha256) over (
            partition by province_code, district_code, quarter
            order by received_at, file_modified_at, workbook_sha256
        ) as next_accepted_sha256,
        lead(received_at) over (
            partition by province_code, district_code, quarter
            order by received_at, file_modified_at, workbook_sha256
        ) as next_accepted_received_at
    from workbook_versions
    where status = '{{ var("accepted_status") }}'

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
        current_workbooks.workbook_sha256 as current_workbook_sha256,
        accepted_sequence.next_accepted_sha256,
        accepted_sequence.next_accepted_received_at
    from sequenced
    left join accepted_sequence
        on sequenced.workbook_sha256 = accepted_sequence.workbook_sha256
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
                then next_accepted_received_at
        end as superseded_at,
        current_workbook_sha256 as in_force_sha256
    from joined

)

select * from final
