{#
    One row per commune x criterion x quarter from the workbook version in force: met or not,
    with the cell it was read from (column letter of that criterion's column on that sheet of
    that workbook version, then the Excel row).
#}
with

criteria_rows as (

    select * from {{ ref('int_criteria_rows__current') }}

),

communes_at_quarter_end as (

    select * from {{ ref('int_communes__quarterly') }}

),

sheet_columns as (

    select * from {{ ref('stg_raw__sheet_columns') }}

),

unpivoted as (

    {%- for field in ntm.criterion_fields() %}

    select
        quarter,
        province_code,
        district_code,
        commune_code,
        criteria_set,
        {{ loop.index }} as criterion_no,
        '{{ field }}' as criterion_field,
        coalesce({{ field }}, false) as is_met,
        workbook_sha256,
        sheet_name,
        excel_row
    from criteria_rows
    {% if not loop.last %}union all{% endif %}
    {%- endfor %}

),

located as (

    select
        unpivoted.*,
        {{ dbt.concat(['sheet_columns.column_letter', 'cast(unpivoted.excel_row as ' ~ dbt.type_string() ~ ')']) }}
            as cell_ref
    from unpivoted
    left join sheet_columns
        on unpivoted.workbook_sha256 = sheet_columns.workbook_sha256
        and unpivoted.sheet_name = sheet_columns.sheet_name
        and unpivoted.criterion_field = sheet_columns.field_name

),

final as (

    select
        located.quarter,
        located.commune_code,
        {{ dbt.concat(['located.criteria_set', "'.'", 'located.criterion_field']) }}
            as criterion_key,
        located.criteria_set,
        cast(located.criterion_no as {{ dbt.type_int() }}) as criterion_no,
        located.province_code,
        located.district_code,
        communes_at_quarter_end.commune_sk,
        located.is_met,
        located.workbook_sha256,
        located.sheet_name,
        located.excel_row,
        located.cell_ref
    from located
    left join communes_at_quarter_end
        on located.commune_code = communes_at_quarter_end.commune_code
        and located.quarter = communes_at_quarter_end.quarter

)

select * from final
