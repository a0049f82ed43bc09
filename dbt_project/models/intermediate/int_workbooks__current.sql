{#
    The workbook version in force for each (province, district, quarter): the newest ACCEPTED
    version by received_at (ties: the later file modification time, then the larger sha256).
    Rejected versions never count, so a newer
    rejected resubmission leaves the previously accepted version in force.
#}
with

workbook_versions as (

    select * from {{ ref('stg_raw__workbook_versions') }}

),

accepted_versions as (

    select *
    from workbook_versions
    where status = '{{ var("accepted_status") }}'

),

ranked_versions as (

    select
        *,
        row_number() over (
            partition by province_code, district_code, quarter
            order by received_at desc, file_modified_at desc, workbook_sha256 desc
        ) as accepted_version_rank,
        count(*) over (
            partition by province_code, district_code, quarter
        ) as accepted_version_count
    from accepted_versions

),

current_versions as (

    select
        province_code,
        district_code,
        quarter,
        workbook_sha256,
        load_id,
        file_name,
        received_at,
        criteria_set,
        poverty_standard,
        prepared_on,
        accepted_version_count
    from ranked_versions
    where accepted_version_rank = 1

),

final as (

    select * from current_versions

)

select * from final
