{#
    One row per (quarter, district, level, commune or none, programme, source) from the
    `Nguon von` sheet of the workbook version in force for the district and quarter, plus one row
    per VANISHED line: a line of the previous quarter (same year) that the district's workbook in
    force for this quarter no longer lists.

    funding_level is 'commune' (a commune's line) or 'district' (blank Mã xã: spent at district
    level, commune_code null). The grain key is funding_key, a hash over
    (quarter, district_code, funding_level, commune_code, programme_code, funding_source_code) with
    null commune_code hashed as a sentinel, so it is portable and never compares nulls.

    Spending in the quarter is derived from the cumulative (year-to-date) actual, and only where
    the difference is known (quarter_basis):
    - 'first_quarter': Q1, the cumulative itself (cumulative figures restart each year);
    - 'difference': the district's previous quarter of the same year has a workbook version in
      force: this quarter's cumulative minus the same line's cumulative there (a line new this
      quarter counts from 0);
    - 'previous_quarter_missing': no workbook in force for the district's previous quarter: the
      quarter figure is unknown (null), never the cumulative taken as one quarter's spending;
    - 'line_vanished': a vanished line (is_vanished): its cumulative is unknown, so are its plan
      and its quarter figure (null); it keeps its identity and the previous quarter's cell.
    A cumulative that falls gives a negative quarter figure: it is kept as reported and flagged
    is_correction.

    Commune workbooks (quarters from 2025Q3): one per commune-level unit; its lines are the
    commune's own (a blank Mã xã is the cover's commune, never a district level: there are no
    districts), district_code is null, and the previous quarter is the same commune's
    (reporter_code) workbook in force.

    Provenance: the line's workbook version, sheet, Excel row and the cells of its measures
    (column letter of the field on that sheet of that workbook version, from raw.sheet_columns,
    then the Excel row), and the previous quarter's workbook version, sheet, row and cumulative
    cell the quarterly difference subtracts (a vanished line: the version in force that lacks it,
    and the previous quarter's row it was last seen on).
#}
{%- set measure_fields = [
    'commune_code', 'programme_code', 'funding_source_code', 'plan_million_vnd',
    'actual_ytd_million_vnd',
] -%}
{%- set line_keys = ['funding_level', 'commune_code', 'programme_code', 'funding_source_code'] -%}
with

funding_rows as (

    select * from {{ ref('stg_raw__funding_rows') }}

),

current_workbooks as (

    select * from {{ ref('int_workbooks__current') }}

),

quarters as (

    select * from {{ ref('dim_quarter') }}

),

communes_at_quarter_end as (

    select * from {{ ref('int_communes__quarterly') }}

),

sheet_columns as (

    select * from {{ ref('stg_raw__sheet_columns') }}

),

measure_columns as (

    {{ field_columns('sheet_columns', measure_fields) }}

),

-- every (quarter, district) with a version in force, and the version in force for the
-- district's previous quarter of the same year (null in Q1 or when that quarter has none)
district_quarters as (

    select
        current_workbooks.quarter,
        quarters.year_number,
        quarters.quarter_number,
        current_workbooks.province_code,
        current_workbooks.district_code,
        current_workbooks.workbook_kind,
        current_workbooks.reporter_code,
        current_workbooks.commune_code as cover_commune_code,
        current_workbooks.workbook_sha256,
        previous_workbooks.workbook_sha256 as previous_workbook_sha256,
        case
            when quarters.quarter_number = 1 then 'first_quarter'
            when previous_workbooks.workbook_sha256 is not null then 'difference'
            else 'previous_quarter_missing'
        end as quarter_basis
    from current_workbooks
    inner join quarters
        on current_workbooks.quarter = quarters.quarter
    left join current_workbooks as previous_workbooks
        on quarters.quarter_number > 1
        and previous_workbooks.quarter = quarters.previous_quarter
        and previous_workbooks.province_code = current_workbooks.province_code
        and previous_workbooks.workbook_kind = current_workbooks.workbook_kind
        and previous_workbooks.reporter_code = current_workbooks.reporter_code

),

lines as (

    select
        district_quarters.quarter,
        district_quarters.year_number,
        district_quarters.quarter_number,
        district_quarters.province_code,
        district_quarters.district_code,
        district_quarters.workbook_kind,
        district_quarters.previous_workbook_sha256 as district_previous_workbook_sha256,
        district_quarters.quarter_basis,
        case
            when district_quarters.workbook_kind = 'commune' then 'commune'
            when funding_rows.commune_code is null then 'district'
            else 'commune'
        end as funding_level,
        -- a commune workbook's blank Mã xã is the cover's commune
        case
            when district_quarters.workbook_kind = 'commune'
                then coalesce(funding_rows.commune_code, district_quarters.cover_commune_code)
            else funding_rows.commune_code
        end as commune_code,
        communes_at_quarter_end.commune_sk,
        funding_rows.programme_code,
        funding_rows.funding_source_code,
        funding_rows.plan_million_vnd,
        funding_rows.actual_ytd_million_vnd,
        funding_rows.workbook_sha256,
        funding_rows.sheet_name,
        funding_rows.excel_row,
        {%- for field in measure_fields %}
        {{ cell_ref('measure_columns', field, 'funding_rows.excel_row') }} as {{ field }}_cell
        {%- if not loop.last %},{% endif %}
        {%- endfor %}
    from funding_rows
    inner join district_quarters
        on funding_rows.workbook_sha256 = district_quarters.workbook_sha256
    left join communes_at_quarter_end
        on coalesce(funding_rows.commune_code, district_quarters.cover_commune_code)
            = communes_at_quarter_end.commune_code
        and district_quarters.quarter = communes_at_quarter_end.quarter
    left join measure_columns
        on funding_rows.workbook_sha256 = measure_columns.workbook_sha256
        and funding_rows.sheet_name = measure_columns.sheet_name

),

with_previous as (

    select
        lines.*,
        case lines.quarter_basis
            when 'first_quarter' then 0
            when 'difference' then coalesce(previous_lines.actual_ytd_million_vnd, 0)
        end as previous_actual_ytd_million_vnd,
        previous_lines.workbook_sha256 as previous_workbook_sha256,
        previous_lines.sheet_name as previous_sheet_name,
        previous_lines.excel_row as previous_excel_row,
        previous_lines.actual_ytd_million_vnd_cell as previous_actual_ytd_million_vnd_cell
    from lines
    left join lines as previous_lines
        on previous_lines.workbook_sha256 = lines.district_previous_workbook_sha256
        {%- for key in line_keys %}
        and {% if key == 'commune_code' -%}
            coalesce(previous_lines.commune_code, '') = coalesce(lines.commune_code, '')
        {%- else -%}
            previous_lines.{{ key }} = lines.{{ key }}
        {%- endif %}
        {%- endfor %}

),

-- lines of the previous quarter's version in force that this quarter's version lacks
vanished as (

    select
        district_quarters.quarter,
        district_quarters.year_number,
        district_quarters.quarter_number,
        district_quarters.province_code,
        district_quarters.district_code,
        district_quarters.workbook_kind,
        previous_lines.funding_level,
        previous_lines.commune_code,
        coalesce(communes_at_quarter_end.commune_sk, previous_lines.commune_sk) as commune_sk,
        previous_lines.programme_code,
        previous_lines.funding_source_code,
        previous_lines.actual_ytd_million_vnd as previous_actual_ytd_million_vnd,
        district_quarters.workbook_sha256,
        previous_lines.workbook_sha256 as previous_workbook_sha256,
        previous_lines.sheet_name as previous_sheet_name,
        previous_lines.excel_row as previous_excel_row,
        previous_lines.actual_ytd_million_vnd_cell as previous_actual_ytd_million_vnd_cell
    from district_quarters
    inner join lines as previous_lines
        on district_quarters.previous_workbook_sha256 = previous_lines.workbook_sha256
    left join lines as current_lines
        on current_lines.workbook_sha256 = district_quarters.workbook_sha256
        {%- for key in line_keys %}
        and {% if key == 'commune_code' -%}
            coalesce(current_lines.commune_code, '') = coalesce(previous_lines.commune_code, '')
        {%- else -%}
            current_lines.{{ key }} = previous_lines.{{ key }}
        {%- endif %}
        {%- endfor %}
    left join communes_at_quarter_end
        on previous_lines.commune_code = communes_at_quarter_end.commune_code
        and district_quarters.quarter = communes_at_quarter_end.quarter
    where current_lines.workbook_sha256 is null

),

reported_lines as (

    select
        quarter,
        year_number,
        quarter_number,
        province_code,
        district_code,
        workbook_kind,
        funding_level,
        commune_code,
        commune_sk,
        programme_code,
        funding_source_code,
        plan_million_vnd,
        actual_ytd_million_vnd,
        previous_actual_ytd_million_vnd,
        actual_ytd_million_vnd - previous_actual_ytd_million_vnd as actual_quarter_million_vnd,
        quarter_basis,
        false as is_vanished,
        workbook_sha256,
        sheet_name,
        excel_row,
        {%- for field in measure_fields %}
        {{ field }}_cell,
        {%- endfor %}
        previous_workbook_sha256,
        previous_sheet_name,
        previous_excel_row,
        previous_actual_ytd_million_vnd_cell
    from with_previous

),

vanished_lines as (

    select
        quarter,
        year_number,
        quarter_number,
        province_code,
        district_code,
        workbook_kind,
        funding_level,
        commune_code,
        commune_sk,
        programme_code,
        funding_source_code,
        cast(null as {{ ntm.type_double() }}) as plan_million_vnd,
        cast(null as {{ ntm.type_double() }}) as actual_ytd_million_vnd,
        previous_actual_ytd_million_vnd,
        cast(null as {{ ntm.type_double() }}) as actual_quarter_million_vnd,
        'line_vanished' as quarter_basis,
        true as is_vanished,
        workbook_sha256,
        cast(null as {{ dbt.type_string() }}) as sheet_name,
        cast(null as {{ dbt.type_int() }}) as excel_row,
        {%- for field in measure_fields %}
        cast(null as {{ dbt.type_string() }}) as {{ field }}_cell,
        {%- endfor %}
        previous_workbook_sha256,
        previous_sheet_name,
        previous_excel_row,
        previous_actual_ytd_million_vnd_cell
    from vanished

),

all_lines as (

    select * from reported_lines
    union all
    select * from vanished_lines

),

final as (

    select
        {{ ntm.surrogate_key([
            'quarter', 'district_code', 'funding_level', 'commune_code', 'programme_code',
            'funding_source_code',
        ]) }} as funding_key,
        quarter,
        year_number,
        quarter_number,
        province_code,
        district_code,
        funding_level,
        commune_code,
        commune_sk,
        programme_code,
        funding_source_code,
        cast(plan_million_vnd as {{ ntm.type_double() }}) as plan_million_vnd,
        cast(actual_ytd_million_vnd as {{ ntm.type_double() }}) as actual_ytd_million_vnd,
        cast(previous_actual_ytd_million_vnd as {{ ntm.type_double() }})
            as previous_actual_ytd_million_vnd,
        cast(actual_quarter_million_vnd as {{ ntm.type_double() }})
            as actual_quarter_million_vnd,
        cast(quarter_basis as {{ dbt.type_string() }}) as quarter_basis,
        is_vanished,
        coalesce(actual_quarter_million_vnd < 0, false) as is_correction,
        workbook_sha256,
        sheet_name,
        excel_row,
        {%- for field in measure_fields %}
        {{ field }}_cell,
        {%- endfor %}
        previous_workbook_sha256,
        previous_sheet_name,
        previous_excel_row,
        previous_actual_ytd_million_vnd_cell,
        workbook_kind
    from all_lines

)

select * from final
