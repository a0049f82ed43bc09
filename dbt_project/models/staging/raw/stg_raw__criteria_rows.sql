with

source as (

    select * from {{ source('raw', 'criteria_rows') }}

),

renamed as (

    select
        -- provenance
        cast(workbook_sha256 as {{ dbt.type_string() }}) as workbook_sha256,
        cast(load_id as {{ dbt.type_string() }}) as load_id,
        cast(file_name as {{ dbt.type_string() }}) as file_name,
        cast(sheet_name as {{ dbt.type_string() }}) as sheet_name,
        cast(excel_row as {{ dbt.type_int() }}) as excel_row,

        -- commune
        cast(commune_code as {{ dbt.type_string() }}) as commune_code,
        cast(commune_name as {{ dbt.type_string() }}) as commune_name,

        -- criteria met, one boolean per criterion
        {%- for field in ntm.criterion_fields() %}
        cast({{ field }} as {{ dbt.type_boolean() }}) as {{ field }},
        {%- endfor %}

        -- recognition
        cast(criteria_met_reported as {{ dbt.type_int() }}) as criteria_met_reported,
        cast(recognition_year as {{ dbt.type_int() }}) as recognition_year,
        -- the Mức độ cell as written; blank = null
        cast(nullif(trim(ntm_level), '') as {{ dbt.type_string() }}) as ntm_level_written

    from source

),

levels as (

    select
        *,
        -- rule TC-007 (a warning at ingest): a recognition year with a blank level is taken as
        -- plain 'NTM'; without a year a blank level means not recognised (null)
        coalesce(
            ntm_level_written,
            case when recognition_year is not null then 'NTM' end
        ) as ntm_level,
        ntm_level_written is null and recognition_year is not null as level_inferred
    from renamed

),

final as (

    select * from levels

)

select * from final
