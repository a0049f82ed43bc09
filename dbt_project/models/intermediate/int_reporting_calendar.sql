{#
    The reporting calendar: every reporter expected to report, for every quarter of each
    province's calendar. A province's calendar runs from the first quarter any of its workbooks
    declared (accepted or rejected; quarters the warehouse takes only) up to the later of the last
    declared quarter and var('reporting_until') (NTM_REPORTING_UNTIL through the settings: a
    quarter like '2026Q3', or '' for none), so quarters in which nothing arrived are still
    expected. The expected reporters are, for quarters ending before the reform (the first
    valid_from of the current units, 2025-07-01), the districts of the province valid on the
    quarter's last day (effective-dated units; reporter_level 'district'), and from then on the
    current commune-level units of the province (seed admin_units_2025; reporter_level
    'commune', district_code null): two-tier Vietnam has no districts.
#}
{%- set reporting_until = (ntm.required_var('reporting_until') or '') | trim -%}

with

workbook_versions as (

    select * from {{ ref('stg_raw__workbook_versions') }}

),

quarters as (

    select * from {{ ref('dim_quarter') }}

),

admin_units as (

    select * from {{ ref('int_admin_units__effective') }}

),

current_units as (

    select * from {{ ref('stg_reference__admin_units_2025') }}

),

reform as (

    -- the first day of two-tier local government, from the current units themselves
    select min(valid_from) as first_day
    from current_units

),

declared_ranges as (

    -- only quarters the warehouse takes (dim_quarter): a file rejected for declaring a quarter
    -- before the first one (COV-013) or a nonsense one never stretches the calendar
    select
        workbook_versions.province_code,
        min(workbook_versions.quarter) as first_quarter,
        max(workbook_versions.quarter) as last_declared_quarter
    from workbook_versions
    inner join quarters
        on workbook_versions.quarter = quarters.quarter
    where workbook_versions.province_code is not null
    group by workbook_versions.province_code

),

calendar_ranges as (

    select
        province_code,
        first_quarter,
        {% if reporting_until -%}
        case
            when last_declared_quarter > '{{ reporting_until }}' then last_declared_quarter
            else '{{ reporting_until }}'
        end as last_quarter
        {%- else -%}
        last_declared_quarter as last_quarter
        {%- endif %}
    from declared_ranges

),

calendar_quarters as (

    select
        calendar_ranges.province_code,
        quarters.quarter,
        quarters.year_number,
        quarters.quarter_number,
        quarters.first_day,
        quarters.last_day,
        quarters.previous_quarter,
        quarters.year_ago_quarter
    from calendar_ranges
    inner join quarters
        on quarters.quarter between calendar_ranges.first_quarter and calendar_ranges.last_quarter

),

expected_districts as (

    select distinct
        calendar_quarters.quarter,
        calendar_quarters.province_code,
        admin_units.province_name,
        'district' as reporter_level,
        admin_units.district_code as reporter_code,
        admin_units.district_name as reporter_name,
        admin_units.district_code,
        admin_units.district_name,
        cast(null as {{ dbt.type_string() }}) as commune_code,
        cast(null as {{ dbt.type_string() }}) as commune_name,
        calendar_quarters.year_number,
        calendar_quarters.quarter_number,
        calendar_quarters.first_day,
        calendar_quarters.last_day,
        calendar_quarters.previous_quarter,
        calendar_quarters.year_ago_quarter
    from calendar_quarters
    inner join admin_units
        on calendar_quarters.province_code = admin_units.province_code
        and calendar_quarters.last_day >= admin_units.valid_from
        and calendar_quarters.last_day <= admin_units.valid_to  -- valid_to is inclusive
    cross join reform
    where calendar_quarters.last_day < reform.first_day

),

expected_communes as (

    select
        calendar_quarters.quarter,
        calendar_quarters.province_code,
        current_units.province_name,
        'commune' as reporter_level,
        current_units.commune_code as reporter_code,
        current_units.commune_name as reporter_name,
        cast(null as {{ dbt.type_string() }}) as district_code,
        cast(null as {{ dbt.type_string() }}) as district_name,
        current_units.commune_code,
        current_units.commune_name,
        calendar_quarters.year_number,
        calendar_quarters.quarter_number,
        calendar_quarters.first_day,
        calendar_quarters.last_day,
        calendar_quarters.previous_quarter,
        calendar_quarters.year_ago_quarter
    from calendar_quarters
    inner join current_units
        on calendar_quarters.province_code = current_units.province_code
        and calendar_quarters.last_day >= current_units.valid_from

),

final as (

    select * from expected_districts
    union all
    select * from expected_communes

)

select * from final
