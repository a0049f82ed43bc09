{#
    History on today's map: one row per commune-level unit per quarter, both eras, the unit as it
    was (its own code, name, district up to 2025Q2; district null from 2025Q3) with its figures:
    criteria set and count, criteria met, recognition, households and poor households, read from
    the workbook version in force (its district's workbook up to 2025Q2, its own commune workbook
    from 2025Q3), and the current unit(s) it lies in (lineage: same | merged | split | unmapped).

    A split unit (divided between several current units) has one row per current unit, each
    with the area_share of the old unit that lies in it; the row's figures are the OLD UNIT'S OWN,
    repeated on each of its rows and never multiplied: the share is for the analyst to weight
    with (and to see that the unit was split). Summing a split unit's rows without weighting
    counts it more than once; is_default_unit marks the one row to keep for unweighted counts.
    The unit as it was is the unit of its code valid on the quarter's last day (codes are reused:
    a code names a unit only with its date).
#}
with

recognition as (

    select * from {{ ref('fct_commune_recognition') }}

),

households as (

    select * from {{ ref('fct_commune_households') }}

),

criteria_rows as (

    select * from {{ ref('int_criteria_rows__current') }}

),

current_workbooks as (

    select * from {{ ref('int_workbooks__current') }}

),

household_rows as (

    select * from {{ ref('stg_raw__household_rows') }}

),

quarters as (

    select * from {{ ref('dim_quarter') }}

),

lineage as (

    select * from {{ ref('int_commune_lineage') }}

),

unit_quarters as (

    select quarter, province_code, district_code, commune_code from recognition
    union
    select quarter, province_code, district_code, commune_code from households

),

written_names as (

    -- the name as the workbook in force wrote it: a commune cover, else a district sheet's
    -- criteria row, else its households row (a phường has no criteria row)
    select quarter, commune_code, commune_name, 1 as preference
    from current_workbooks
    where workbook_kind = 'commune'
    union all
    select quarter, commune_code, commune_name, 2 as preference
    from criteria_rows
    union all
    select
        current_workbooks.quarter,
        household_rows.commune_code,
        household_rows.commune_name,
        3 as preference
    from household_rows
    inner join current_workbooks
        on household_rows.workbook_sha256 = current_workbooks.workbook_sha256

),

ranked_names as (

    select
        *,
        row_number() over (
            partition by quarter, commune_code
            order by preference, commune_name
        ) as name_rank
    from written_names
    where commune_name is not null

),

unit_names as (

    select quarter, commune_code, commune_name
    from ranked_names
    where name_rank = 1

),

figures as (

    select
        unit_quarters.quarter,
        quarters.last_day,
        unit_quarters.province_code,
        unit_quarters.district_code,
        unit_quarters.commune_code,
        unit_names.commune_name as written_commune_name,
        coalesce(recognition.workbook_kind, households.workbook_kind) as workbook_kind,
        recognition.criteria_set,
        recognition.criteria_count,
        recognition.criteria_met,
        recognition.is_ntm_recognised,
        recognition.ntm_level,
        recognition.recognition_year,
        households.poverty_standard,
        households.households,
        households.poor_households,
        coalesce(recognition.workbook_sha256, households.workbook_sha256) as workbook_sha256,
        recognition.sheet_name as criteria_sheet_name,
        recognition.criteria_cells,
        recognition.ntm_level_cell,
        recognition.recognition_year_cell,
        households.sheet_name as households_sheet_name,
        households.households_cell,
        households.poor_households_cell
    from unit_quarters
    inner join quarters
        on unit_quarters.quarter = quarters.quarter
    left join recognition
        on unit_quarters.quarter = recognition.quarter
        and unit_quarters.commune_code = recognition.commune_code
    left join households
        on unit_quarters.quarter = households.quarter
        and unit_quarters.commune_code = households.commune_code
    left join unit_names
        on unit_quarters.quarter = unit_names.quarter
        and unit_quarters.commune_code = unit_names.commune_code

),

mapped as (

    select
        figures.*,
        lineage.commune_name as lineage_commune_name,
        lineage.unit_starts_on,
        lineage.unit_ends_on,
        lineage.current_province_code,
        lineage.current_commune_code,
        lineage.current_commune_name,
        coalesce(lineage.mapping, 'unmapped') as mapping,
        lineage.area_share,
        coalesce(lineage.is_default_unit, true) as is_default_unit
    from figures
    left join lineage
        on figures.commune_code = lineage.commune_code
        and figures.last_day >= lineage.unit_starts_on
        and figures.last_day <= lineage.unit_ends_on

),

final as (

    select
        cast(quarter as {{ dbt.type_string() }}) as quarter,
        cast(province_code as {{ dbt.type_string() }}) as province_code,
        cast(district_code as {{ dbt.type_string() }}) as district_code,
        cast(commune_code as {{ dbt.type_string() }}) as commune_code,
        cast(coalesce(lineage_commune_name, written_commune_name) as {{ dbt.type_string() }})
            as commune_name,
        cast(unit_starts_on as date) as unit_starts_on,
        cast(workbook_kind as {{ dbt.type_string() }}) as workbook_kind,
        cast(criteria_set as {{ dbt.type_string() }}) as criteria_set,
        cast(criteria_count as {{ dbt.type_int() }}) as criteria_count,
        cast(criteria_met as {{ dbt.type_int() }}) as criteria_met,
        cast(is_ntm_recognised as {{ dbt.type_boolean() }}) as is_ntm_recognised,
        cast(ntm_level as {{ dbt.type_string() }}) as ntm_level,
        cast(recognition_year as {{ dbt.type_int() }}) as recognition_year,
        cast(poverty_standard as {{ dbt.type_string() }}) as poverty_standard,
        cast(households as {{ dbt.type_bigint() }}) as households,
        cast(poor_households as {{ dbt.type_bigint() }}) as poor_households,
        {{ ntm.round_double('100 * ' ~ ntm.safe_divide('poor_households', 'households'), 2) }}
            as poor_rate_pct,
        cast(current_province_code as {{ dbt.type_string() }}) as current_province_code,
        cast(current_commune_code as {{ dbt.type_string() }}) as current_commune_code,
        cast(current_commune_name as {{ dbt.type_string() }}) as current_commune_name,
        cast(mapping as {{ dbt.type_string() }}) as mapping,
        cast(area_share as {{ ntm.type_double() }}) as area_share,
        cast(is_default_unit as {{ dbt.type_boolean() }}) as is_default_unit,
        cast(workbook_sha256 as {{ dbt.type_string() }}) as workbook_sha256,
        cast(criteria_sheet_name as {{ dbt.type_string() }}) as criteria_sheet_name,
        cast(criteria_cells as {{ dbt.type_string() }}) as criteria_cells,
        cast(ntm_level_cell as {{ dbt.type_string() }}) as ntm_level_cell,
        cast(recognition_year_cell as {{ dbt.type_string() }}) as recognition_year_cell,
        cast(households_sheet_name as {{ dbt.type_string() }}) as households_sheet_name,
        cast(households_cell as {{ dbt.type_string() }}) as households_cell,
        cast(poor_households_cell as {{ dbt.type_string() }}) as poor_households_cell
    from mapped

)

select * from final
