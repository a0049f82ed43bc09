{#
    The province's yearly plan targets (seed province_targets, editable) against the actuals of
    the year, one row per (year, province_code, target), read from the marts and the reporting
    calendar (int_district_reports) directly. Each target has an AREA (the province's districts
    expected at the year's Q4; the Programme 30a districts of that day for the 30a target) and
    the districts whose reports its actual is computed from (districts_reporting):
    - new_ntm_communes: xã first recognised as NTM in the year (recognition year = the year, as
      the year-end report gives it), not the net change of the stock (which mergers and missing
      districts distort); districts reporting at Q4;
    - avg_criteria_met: criteria met per xã at the year end (total criteria met / xã) under the
      criteria set in force for the year (criteria_set: the latest set whose first year is not
      after it, dim_criteria_set); districts reporting at Q4 on that set; a district that declared
      another set (2021-2022: QĐ 1980/2016 beside QĐ 318/2022) is excluded (excluded_districts),
      never blended: criteria counts of two sets do not add up;
    - ntm_advanced_communes: xã recognised NTM nâng cao or NTM kiểu mẫu in the year: at such a
      level at the year end and not at the previous year end; districts reporting at both;
    - ntm_model_communes: likewise for NTM kiểu mẫu alone;
    - poor_rate_reduction_pp: minus the change of the poor rate, year end against the previous
      year end, over the districts that reported both under the poverty standard in force for
      the year (seed poverty_standards, valid on the year's last day); a district that declared
      another standard at either year end is excluded (excluded_districts), never blended;
    - poor_rate_reduction_pp_30a_districts: the same over the 30a districts' households pooled.
    Actuals are rounded to 2 decimals and null when no district of the area can be used. met
    compares the rounded actual with planned_value by the seed's comparison ('>=' or '<='); it is
    null when the actual is null or comes from an incomplete set (is_complete false: a district
    of the area missing or excluded).
#}
{%- set advanced_levels = "('NTM nâng cao', 'NTM kiểu mẫu')" -%}
{%- set poverty_targets = "('poor_rate_reduction_pp', 'poor_rate_reduction_pp_30a_districts')" -%}
{%- set comparison_targets = "('ntm_advanced_communes', 'ntm_model_communes')" -%}
with

targets as (

    select * from {{ ref('stg_reference__province_targets') }}

),

quarters as (

    select * from {{ ref('dim_quarter') }}

),

district_reports as (

    -- district-era quarters (up to 2025Q2) only, for now: commune-era quarters get their
    -- province rows here once this view sums commune reporters (rpt_attainment and
    -- rpt_commune_status carry them meanwhile)
    select * from {{ ref('int_district_reports') }}
    where reporter_level = 'district'

),

recognition as (

    select * from {{ ref('fct_commune_recognition') }}

),

communes as (

    select * from {{ ref('dim_commune') }}

),

households as (

    select * from {{ ref('fct_commune_households') }}

),

districts as (

    select * from {{ ref('dim_district') }}

),

poverty_standards as (

    select * from {{ ref('dim_poverty_standard') }}

),

criteria_sets as (

    select * from {{ ref('dim_criteria_set') }}

),

-- the year end of each plan year, and the poverty standard and criteria set in force that day
target_years as (

    select distinct
        targets.year_number,
        targets.province_code,
        quarters.quarter,
        quarters.year_ago_quarter,
        quarters.last_day,
        poverty_standards.poverty_standard as standard_in_force,
        criteria_sets.criteria_set as criteria_set_in_force
    from targets
    inner join quarters
        on quarters.year_number = targets.year_number
        and quarters.is_year_end
    left join poverty_standards
        on quarters.last_day between poverty_standards.valid_from and poverty_standards.valid_to
    left join criteria_sets
        on criteria_sets.first_year = (
            select max(earlier_sets.first_year)
            from criteria_sets as earlier_sets
            where earlier_sets.first_year <= targets.year_number
        )

),

-- every district expected at the year end, with its reports at both year ends
year_end_districts as (

    select
        target_years.year_number,
        target_years.province_code,
        target_years.quarter,
        target_years.year_ago_quarter,
        target_years.standard_in_force,
        target_years.criteria_set_in_force,
        now_reports.district_code,
        now_reports.has_report,
        now_reports.poverty_standard,
        now_reports.criteria_set,
        coalesce(ago_reports.has_report, false) as has_year_ago_report,
        ago_reports.poverty_standard as year_ago_poverty_standard,
        coalesce(districts.is_in_30a_district, false) as is_30a_district
    from target_years
    inner join district_reports as now_reports
        on target_years.quarter = now_reports.quarter
        and target_years.province_code = now_reports.province_code
    left join district_reports as ago_reports
        on target_years.year_ago_quarter = ago_reports.quarter
        and now_reports.district_code = ago_reports.district_code
    left join districts
        on now_reports.district_code = districts.district_code
        and target_years.last_day between districts.valid_from and districts.valid_to

),

xa_now as (

    select
        recognition.quarter,
        recognition.district_code,
        recognition.commune_code,
        recognition.criteria_met,
        recognition.is_ntm_recognised,
        recognition.ntm_level,
        recognition.recognition_year
    from recognition
    inner join communes
        on recognition.commune_sk = communes.commune_sk
    where communes.is_xa

),

-- per district and plan year: the recognition counts at the year end
recognition_counts as (

    select
        year_end_districts.year_number,
        year_end_districts.district_code,
        count(*) as xa_count,
        sum(xa_now.criteria_met) as criteria_met_total,
        sum(
            case
                when xa_now.is_ntm_recognised
                    and xa_now.recognition_year = year_end_districts.year_number then 1
                else 0
            end
        ) as new_ntm,
        sum(
            case
                when xa_now.ntm_level in {{ advanced_levels }}
                    and coalesce(xa_ago.ntm_level not in {{ advanced_levels }}, true) then 1
                else 0
            end
        ) as new_advanced,
        sum(
            case
                when xa_now.ntm_level = 'NTM kiểu mẫu'
                    and coalesce(xa_ago.ntm_level <> 'NTM kiểu mẫu', true) then 1
                else 0
            end
        ) as new_model
    from year_end_districts
    inner join xa_now
        on year_end_districts.quarter = xa_now.quarter
        and year_end_districts.district_code = xa_now.district_code
    left join recognition as xa_ago
        on year_end_districts.year_ago_quarter = xa_ago.quarter
        and xa_now.commune_code = xa_ago.commune_code
    group by year_end_districts.year_number, year_end_districts.district_code

),

-- per district and plan year: households at both year ends under the standard in force
household_counts as (

    select
        year_end_districts.year_number,
        year_end_districts.district_code,
        sum(case when households.quarter = year_end_districts.quarter then households.households end)
            as households_now,
        sum(
            case when households.quarter = year_end_districts.quarter then households.poor_households end
        ) as poor_now,
        sum(
            case when households.quarter = year_end_districts.year_ago_quarter then households.households end
        ) as households_year_ago,
        sum(
            case
                when households.quarter = year_end_districts.year_ago_quarter
                    then households.poor_households
            end
        ) as poor_year_ago
    from year_end_districts
    inner join households
        on households.district_code = year_end_districts.district_code
        and households.quarter in (year_end_districts.quarter, year_end_districts.year_ago_quarter)
        and households.poverty_standard = year_end_districts.standard_in_force
    group by year_end_districts.year_number, year_end_districts.district_code

),

-- one row per target and district of its area: is the district used, or excluded?
target_districts as (

    select
        targets.year_number,
        targets.province_code,
        targets.target,
        year_end_districts.district_code,
        year_end_districts.criteria_set_in_force,
        case
            when targets.target = 'new_ntm_communes'
                then year_end_districts.has_report
            when targets.target = 'avg_criteria_met'
                then year_end_districts.has_report
                and coalesce(
                    year_end_districts.criteria_set = year_end_districts.criteria_set_in_force,
                    false
                )
            when targets.target in {{ comparison_targets }}
                then year_end_districts.has_report and year_end_districts.has_year_ago_report
            when targets.target in {{ poverty_targets }}
                then year_end_districts.has_report
                and year_end_districts.has_year_ago_report
                and coalesce(
                    year_end_districts.poverty_standard = year_end_districts.standard_in_force
                    and year_end_districts.year_ago_poverty_standard
                        = year_end_districts.standard_in_force,
                    false
                )
            else false
        end as is_used,
        -- a district reporting at the year end whose report there or a year earlier declared
        -- another standard than the one in force for the year; for the average of criteria
        -- met, a district reporting at the year end on another criteria set
        case
            when targets.target = 'avg_criteria_met'
                then year_end_districts.has_report
                and coalesce(
                    year_end_districts.criteria_set <> year_end_districts.criteria_set_in_force,
                    true
                )
            when targets.target in {{ poverty_targets }}
                then year_end_districts.has_report
                and (
                    coalesce(
                        year_end_districts.poverty_standard <> year_end_districts.standard_in_force,
                        true
                    )
                    or coalesce(
                        year_end_districts.has_year_ago_report
                        and year_end_districts.year_ago_poverty_standard
                            <> year_end_districts.standard_in_force,
                        false
                    )
                )
            else false
        end as is_excluded
    from targets
    inner join year_end_districts
        on targets.year_number = year_end_districts.year_number
        and targets.province_code = year_end_districts.province_code
    where targets.target <> 'poor_rate_reduction_pp_30a_districts'
        or year_end_districts.is_30a_district

),

target_sums as (

    select
        target_districts.year_number,
        target_districts.province_code,
        target_districts.target,
        max(target_districts.criteria_set_in_force) as criteria_set_in_force,
        count(*) as districts_expected,
        sum(case when target_districts.is_used then 1 else 0 end) as districts_reporting,
        sum(case when target_districts.is_excluded then 1 else 0 end) as excluded_districts,
        sum(case when target_districts.is_used then coalesce(recognition_counts.new_ntm, 0) end)
            as new_ntm,
        sum(case when target_districts.is_used then coalesce(recognition_counts.xa_count, 0) end)
            as xa_count,
        sum(
            case when target_districts.is_used then coalesce(recognition_counts.criteria_met_total, 0) end
        ) as criteria_met_total,
        sum(
            case when target_districts.is_used then coalesce(recognition_counts.new_advanced, 0) end
        ) as new_advanced,
        sum(case when target_districts.is_used then coalesce(recognition_counts.new_model, 0) end)
            as new_model,
        sum(case when target_districts.is_used then household_counts.households_now end)
            as households_now,
        sum(case when target_districts.is_used then household_counts.poor_now end) as poor_now,
        sum(case when target_districts.is_used then household_counts.households_year_ago end)
            as households_year_ago,
        sum(case when target_districts.is_used then household_counts.poor_year_ago end)
            as poor_year_ago
    from target_districts
    left join recognition_counts
        on target_districts.year_number = recognition_counts.year_number
        and target_districts.district_code = recognition_counts.district_code
    left join household_counts
        on target_districts.year_number = household_counts.year_number
        and target_districts.district_code = household_counts.district_code
    group by target_districts.year_number, target_districts.province_code, target_districts.target

),

actuals as (

    select
        targets.year_number,
        targets.province_code,
        targets.target,
        targets.planned_value,
        targets.comparison,
        targets.unit,
        targets.source_note,
        coalesce(target_sums.districts_expected, 0) as districts_expected,
        coalesce(target_sums.districts_reporting, 0) as districts_reporting,
        coalesce(target_sums.excluded_districts, 0) as excluded_districts,
        case
            when targets.target = 'avg_criteria_met' then target_sums.criteria_set_in_force
        end as criteria_set,
        -- sums over used districts are null when none is used: so is the actual
        case targets.target
            when 'new_ntm_communes' then target_sums.new_ntm
            when 'avg_criteria_met' then {{ ntm.round_double(
                ntm.safe_divide('target_sums.criteria_met_total', 'target_sums.xa_count'), 2
            ) }}
            when 'ntm_advanced_communes' then target_sums.new_advanced
            when 'ntm_model_communes' then target_sums.new_model
            when 'poor_rate_reduction_pp' then -{{ ntm.round_double(
                '100 * ' ~ ntm.safe_divide('target_sums.poor_now', 'target_sums.households_now')
                ~ ' - 100 * '
                ~ ntm.safe_divide('target_sums.poor_year_ago', 'target_sums.households_year_ago'), 2
            ) }}
            when 'poor_rate_reduction_pp_30a_districts' then -{{ ntm.round_double(
                '100 * ' ~ ntm.safe_divide('target_sums.poor_now', 'target_sums.households_now')
                ~ ' - 100 * '
                ~ ntm.safe_divide('target_sums.poor_year_ago', 'target_sums.households_year_ago'), 2
            ) }}
        end as actual_value
    from targets
    left join target_sums
        on targets.year_number = target_sums.year_number
        and targets.province_code = target_sums.province_code
        and targets.target = target_sums.target

),

final as (

    select
        cast(year_number as {{ dbt.type_int() }}) as year,
        cast(province_code as {{ dbt.type_string() }}) as province_code,
        cast(target as {{ dbt.type_string() }}) as target,
        cast(
            case target
                when 'new_ntm_communes' then 'Số xã đạt chuẩn NTM mới trong năm'
                when 'avg_criteria_met' then 'Số tiêu chí bình quân/xã'
                when 'ntm_advanced_communes' then 'Số xã đạt chuẩn NTM nâng cao trong năm'
                when 'ntm_model_communes' then 'Số xã đạt chuẩn NTM kiểu mẫu trong năm'
                when 'poor_rate_reduction_pp' then 'Mức giảm tỷ lệ hộ nghèo toàn tỉnh (điểm %)'
                when 'poor_rate_reduction_pp_30a_districts'
                    then 'Mức giảm tỷ lệ hộ nghèo các huyện nghèo 30a (điểm %)'
            end as {{ dbt.type_string() }}
        ) as target_name_vi,
        cast(
            case target
                when 'new_ntm_communes' then 'Xã first recognised as NTM in the year'
                when 'avg_criteria_met' then 'Average criteria met per xã at year end'
                when 'ntm_advanced_communes'
                    then 'Xã recognised advanced (or model) NTM in the year'
                when 'ntm_model_communes' then 'Xã recognised model NTM in the year'
                when 'poor_rate_reduction_pp' then 'Province poor-rate reduction (pp)'
                when 'poor_rate_reduction_pp_30a_districts'
                    then 'Poor-rate reduction in the 30a poor districts (pp)'
            end as {{ dbt.type_string() }}
        ) as target_name_en,
        cast(unit as {{ dbt.type_string() }}) as unit,
        cast(comparison as {{ dbt.type_string() }}) as comparison,
        cast(planned_value as {{ ntm.type_double() }}) as planned_value,
        {{ ntm.round_double('actual_value', 2) }} as actual_value,
        cast(districts_expected as {{ dbt.type_bigint() }}) as districts_expected,
        cast(districts_reporting as {{ dbt.type_bigint() }}) as districts_reporting,
        cast(
            districts_expected > 0 and districts_reporting = districts_expected
            as {{ dbt.type_boolean() }}
        ) as is_complete,
        cast(excluded_districts as {{ dbt.type_bigint() }}) as excluded_districts,
        cast(
            case
                when actual_value is null then null
                when not (districts_expected > 0 and districts_reporting = districts_expected)
                    then null
                when comparison = '>=' then {{ ntm.round_double('actual_value', 2) }} >= planned_value
                when comparison = '<=' then {{ ntm.round_double('actual_value', 2) }} <= planned_value
            end
            as {{ dbt.type_boolean() }}
        ) as met,
        cast(source_note as {{ dbt.type_string() }}) as source,
        cast(criteria_set as {{ dbt.type_string() }}) as criteria_set
    from actuals

)

select * from final
