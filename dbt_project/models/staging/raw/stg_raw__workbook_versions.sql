with

source as (

    select * from {{ source('raw', 'workbook_versions') }}

),

renamed as (

    select
        -- ids
        cast(workbook_sha256 as {{ dbt.type_string() }}) as workbook_sha256,
        cast(load_id as {{ dbt.type_string() }}) as load_id,

        -- file
        cast(file_name as {{ dbt.type_string() }}) as file_name,
        cast(file_size_bytes as {{ dbt.type_bigint() }}) as file_size_bytes,
        cast(archive_path as {{ dbt.type_string() }}) as archive_path,

        -- validation outcome
        cast(status as {{ dbt.type_string() }}) as status,
        cast(error_count as {{ dbt.type_int() }}) as error_count,
        cast(warning_count as {{ dbt.type_int() }}) as warning_count,

        -- cover sheet
        cast(province_code as {{ dbt.type_string() }}) as province_code,
        cast(province_name as {{ dbt.type_string() }}) as province_name,
        cast(district_code as {{ dbt.type_string() }}) as district_code,
        cast(district_name as {{ dbt.type_string() }}) as district_name,
        cast(quarter as {{ dbt.type_string() }}) as quarter,
        cast(prepared_by as {{ dbt.type_string() }}) as prepared_by,
        cast(criteria_set as {{ dbt.type_string() }}) as criteria_set,
        cast(poverty_standard as {{ dbt.type_string() }}) as poverty_standard,

        -- the contract the version was read under, and a commune workbook's cover
        cast(coalesce(workbook_kind, 'district') as {{ dbt.type_string() }}) as workbook_kind,
        cast(commune_code as {{ dbt.type_string() }}) as commune_code,
        cast(commune_name as {{ dbt.type_string() }}) as commune_name,
        cast(commune_group as {{ dbt.type_string() }}) as commune_group,
        cast(criteria_met_reported as {{ dbt.type_int() }}) as criteria_met_reported,
        cast(recognition_year as {{ dbt.type_int() }}) as recognition_year,
        -- the level cell as written; blank = null
        cast(nullif(trim(ntm_level), '') as {{ dbt.type_string() }}) as ntm_level_written,

        -- dates
        cast(prepared_on as date) as prepared_on,
        cast(received_at as {{ dbt.type_timestamp() }}) as received_at,
        cast(file_modified_at as {{ dbt.type_timestamp() }}) as file_modified_at,
        cast(received_basis as {{ dbt.type_string() }}) as received_basis

    from source

),

reporters as (

    select
        *,
        -- who sends the workbook: a district (up to 2025Q2) or a commune-level unit (from 2025Q3)
        case when workbook_kind = 'commune' then commune_code else district_code end
            as reporter_code
    from renamed

),

final as (

    select * from reporters

)

select * from final
