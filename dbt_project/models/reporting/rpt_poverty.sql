{#
    Households and poverty per expected district (the reporting calendar, reported or not) and
    quarter, and per province (district_code null) and quarter under each poverty standard its
    reporting reporters declared. Up to 2025Q2 the reporters are districts (district rows and
    province rows); from 2025Q3 they are the current commune-level units (one commune workbook
    each): province rows only, no district rows (commune detail: rpt_commune_status). Rates are over ALL commune-level units (xã, phường, thị trấn),
    in percent, computed from totals (never an average of rates).

    Coverage: a district without a report has one row, poverty_standard null, measures null.
    A province row under a standard counts as reporting only the districts that declared that
    standard (a quarter whose districts declared two standards is complete under neither, and
    the two are never blended); a quarter where no district reported has one province row with
    poverty_standard null.

    poor_rate_change_pp = the unrounded rate of the area's COMPARABLE reporters this quarter -
    their unrounded rate a year earlier, rounded to 2: comparable = the same reporter (same
    reporter_level and code) reported in both quarters under the row's standard
    (comparable_districts; on a district row 1 or 0). A commune-era reporter is never comparable
    with a district-era quarter: province code 08 names another territory before 2025-07-01, so
    new-era changes start in 2026Q3 (against 2025Q3). Null when there
    is none (a standard switch, no year-earlier report), so a late or missing district never
    moves the province change. target_reduction_pp comes from seed poverty_reduction_targets
    (province row: scope 'province'; a 30a poor district on the quarter's last day:
    '30a_district'; any other district: 'ordinary_district'); target_met compares the rounded
    change with it.
#}
{#- The columns of a district or province row, in one order for the union. -#}
{%- set row_columns = [
    'quarter',
    'province_code',
    'province_name',
    'district_code',
    'district_name',
    'year_number',
    'reporter_level',
    'has_report',
    'poverty_standard',
    'districts_expected',
    'districts_reporting',
    'row_scope',
    'is_30a_district',
    'commune_units',
    'households',
    'poor_households',
    'near_poor_households',
    'poor_ethnic_minority_households',
    'ethnic_minority_blank_units',
    'comparable_districts',
    'households_now',
    'poor_now',
    'households_year_ago',
    'poor_year_ago',
] -%}

with

district_reports as (

    -- every expected reporter: a district up to 2025Q2, a current commune-level unit from 2025Q3
    select * from {{ ref('int_district_reports') }}

),

households as (

    select * from {{ ref('fct_commune_households') }}

),

districts as (

    select * from {{ ref('dim_district') }}

),

reduction_targets as (

    select * from {{ ref('stg_reference__poverty_reduction_targets') }}

),

household_totals as (

    -- per reporter: a district workbook's units by district, a commune workbook's one row by
    -- its commune (district_code null)
    select
        quarter,
        province_code,
        workbook_kind as reporter_level,
        case when workbook_kind = 'commune' then commune_code else district_code end
            as reporter_code,
        poverty_standard,
        count(*) as commune_units,
        sum(households) as households,
        sum(poor_households) as poor_households,
        sum(near_poor_households) as near_poor_households,
        sum(poor_ethnic_minority_households) as poor_ethnic_minority_households,
        sum(case when poor_ethnic_minority_households is null then 1 else 0 end)
            as ethnic_minority_blank_units
    from households
    group by
        quarter,
        province_code,
        workbook_kind,
        case when workbook_kind = 'commune' then commune_code else district_code end,
        poverty_standard

),

district_rows as (

    -- one row per expected district: under its declared standard when it reported, else
    -- standard null and measures null
    select
        district_reports.quarter,
        district_reports.province_code,
        district_reports.province_name,
        district_reports.district_code,
        district_reports.district_name,
        district_reports.reporter_level,
        district_reports.reporter_code,
        district_reports.year_number,
        district_reports.last_day,
        district_reports.year_ago_quarter,
        district_reports.has_report,
        case when district_reports.has_report then district_reports.poverty_standard end
            as poverty_standard,
        1 as districts_expected,
        case when district_reports.has_report then 1 else 0 end as districts_reporting,
        'district' as row_scope,
        coalesce(districts.is_in_30a_district, false) as is_30a_district,
        case when district_reports.has_report then coalesce(household_totals.commune_units, 0) end
            as commune_units,
        household_totals.households,
        household_totals.poor_households,
        household_totals.near_poor_households,
        household_totals.poor_ethnic_minority_households,
        household_totals.ethnic_minority_blank_units
    from district_reports
    left join household_totals
        on district_reports.has_report
        and district_reports.quarter = household_totals.quarter
        and district_reports.province_code = household_totals.province_code
        and district_reports.reporter_level = household_totals.reporter_level
        and district_reports.reporter_code = household_totals.reporter_code
        and district_reports.poverty_standard = household_totals.poverty_standard
    left join districts
        on district_reports.district_code = districts.district_code
        and district_reports.last_day between districts.valid_from and districts.valid_to

),

comparable as (

    -- a reporter row is comparable when the same reporter (same level: the same admin map)
    -- reported households a year earlier under the same standard; the year-earlier totals ride
    -- along for the province sums
    select
        district_rows.quarter,
        district_rows.province_code,
        district_rows.reporter_level,
        district_rows.reporter_code,
        district_rows.poverty_standard,
        district_rows.households as households_now,
        district_rows.poor_households as poor_now,
        year_ago.households as households_year_ago,
        year_ago.poor_households as poor_year_ago
    from district_rows
    inner join district_rows as year_ago
        on district_rows.year_ago_quarter = year_ago.quarter
        and district_rows.province_code = year_ago.province_code
        and district_rows.reporter_level = year_ago.reporter_level
        and district_rows.reporter_code = year_ago.reporter_code
        and district_rows.poverty_standard = year_ago.poverty_standard
    where district_rows.households is not null
        and year_ago.households is not null

),

district_compared as (

    select
        district_rows.*,
        case when comparable.reporter_code is not null then 1 else 0 end
            as comparable_districts,
        comparable.households_now,
        comparable.poor_now,
        comparable.households_year_ago,
        comparable.poor_year_ago
    from district_rows
    left join comparable
        on district_rows.quarter = comparable.quarter
        and district_rows.province_code = comparable.province_code
        and district_rows.reporter_level = comparable.reporter_level
        and district_rows.reporter_code = comparable.reporter_code
        and district_rows.poverty_standard = comparable.poverty_standard

),

province_quarters as (

    select
        quarter,
        province_code,
        min(province_name) as province_name,
        min(reporter_level) as reporter_level,
        min(year_number) as year_number,
        min(last_day) as last_day,
        count(*) as districts_expected
    from district_rows
    group by quarter, province_code

),

province_standards as (

    -- the standards the reporting districts declared; none when no district reported
    select distinct
        quarter,
        province_code,
        poverty_standard
    from district_rows
    where has_report

),

province_keys as (

    select
        province_quarters.*,
        province_standards.poverty_standard
    from province_quarters
    left join province_standards
        on province_quarters.quarter = province_standards.quarter
        and province_quarters.province_code = province_standards.province_code

),

province_rows as (

    select
        province_keys.quarter,
        province_keys.province_code,
        province_keys.province_name,
        cast(null as {{ dbt.type_string() }}) as district_code,
        cast(null as {{ dbt.type_string() }}) as district_name,
        province_keys.year_number,
        province_keys.reporter_level,
        province_keys.last_day,
        count(district_compared.reporter_code) > 0 as has_report,
        province_keys.poverty_standard,
        province_keys.districts_expected,
        count(district_compared.reporter_code) as districts_reporting,
        'province' as row_scope,
        cast(null as {{ dbt.type_boolean() }}) as is_30a_district,
        sum(district_compared.commune_units) as commune_units,
        sum(district_compared.households) as households,
        sum(district_compared.poor_households) as poor_households,
        sum(district_compared.near_poor_households) as near_poor_households,
        sum(district_compared.poor_ethnic_minority_households)
            as poor_ethnic_minority_households,
        sum(district_compared.ethnic_minority_blank_units) as ethnic_minority_blank_units,
        coalesce(sum(district_compared.comparable_districts), 0) as comparable_districts,
        sum(district_compared.households_now) as households_now,
        sum(district_compared.poor_now) as poor_now,
        sum(district_compared.households_year_ago) as households_year_ago,
        sum(district_compared.poor_year_ago) as poor_year_ago
    from province_keys
    left join district_compared
        on province_keys.quarter = district_compared.quarter
        and province_keys.province_code = district_compared.province_code
        and province_keys.poverty_standard = district_compared.poverty_standard
    group by
        province_keys.quarter,
        province_keys.province_code,
        province_keys.province_name,
        province_keys.year_number,
        province_keys.reporter_level,
        province_keys.last_day,
        province_keys.poverty_standard,
        province_keys.districts_expected

),

all_rows as (

    -- district rows of the district era only: from 2025Q3 there are no districts
    select {{ row_columns | join(', ') }}
    from district_compared
    where reporter_level = 'district'
    union all
    select {{ row_columns | join(', ') }}
    from province_rows

),

rated as (

    select
        all_rows.*,
        100 * {{ ntm.safe_divide('poor_households', 'households') }} as poor_rate,
        100 * {{ ntm.safe_divide('near_poor_households', 'households') }} as near_poor_rate,
        100 * {{ ntm.safe_divide('poor_now', 'households_now') }}
            - 100 * {{ ntm.safe_divide('poor_year_ago', 'households_year_ago') }}
            as poor_rate_change,
        case
            when row_scope = 'province' then 'province'
            when is_30a_district then '30a_district'
            else 'ordinary_district'
        end as target_scope
    from all_rows

),

targeted as (

    select
        rated.*,
        {{ ntm.round_double('rated.poor_rate_change', 2) }} as poor_rate_change_pp,
        reduction_targets.target_reduction_pp
    from rated
    left join reduction_targets
        on rated.province_code = reduction_targets.province_code
        and rated.target_scope = reduction_targets.target_scope
        and rated.year_number between reduction_targets.from_year and reduction_targets.to_year

),

final as (

    select
        cast(quarter as {{ dbt.type_string() }}) as quarter,
        cast(province_code as {{ dbt.type_string() }}) as province_code,
        cast(province_name as {{ dbt.type_string() }}) as province_name,
        cast(district_code as {{ dbt.type_string() }}) as district_code,
        cast(district_name as {{ dbt.type_string() }}) as district_name,
        cast(poverty_standard as {{ dbt.type_string() }}) as poverty_standard,
        cast(has_report as {{ dbt.type_boolean() }}) as has_report,
        cast(districts_expected as {{ dbt.type_bigint() }}) as districts_expected,
        cast(districts_reporting as {{ dbt.type_bigint() }}) as districts_reporting,
        cast(districts_reporting = districts_expected as {{ dbt.type_boolean() }})
            as is_complete,
        cast(is_30a_district as {{ dbt.type_boolean() }}) as is_30a_district,
        cast(commune_units as {{ dbt.type_bigint() }}) as commune_units,
        cast(households as {{ dbt.type_bigint() }}) as households,
        cast(poor_households as {{ dbt.type_bigint() }}) as poor_households,
        cast(near_poor_households as {{ dbt.type_bigint() }}) as near_poor_households,
        cast(
            case when ethnic_minority_blank_units = 0 then poor_ethnic_minority_households end
            as {{ dbt.type_bigint() }}
        ) as poor_ethnic_minority_households,
        {{ ntm.round_double('poor_rate', 2) }} as poor_rate_pct,
        {{ ntm.round_double('near_poor_rate', 2) }} as near_poor_rate_pct,
        cast(comparable_districts as {{ dbt.type_bigint() }}) as comparable_districts,
        cast(poor_rate_change_pp as {{ ntm.type_double() }}) as poor_rate_change_pp,
        cast(target_reduction_pp as {{ ntm.type_double() }}) as target_reduction_pp,
        cast(
            case
                when poor_rate_change_pp is null or target_reduction_pp is null then null
                when poor_rate_change_pp <= -target_reduction_pp then true
                else false
            end
            as {{ dbt.type_boolean() }}
        ) as target_met,
        cast(reporter_level as {{ dbt.type_string() }}) as reporter_level,
        cast(districts_expected as {{ dbt.type_bigint() }}) as reporters_expected,
        cast(districts_reporting as {{ dbt.type_bigint() }}) as reporters_reporting
    from targeted

)

select * from final
