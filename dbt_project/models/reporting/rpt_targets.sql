{#
    The province's yearly plan targets (seed province_targets, editable) against the actuals at
    the year's end (Q4), one row per (year, province_code, target):
    - new_ntm_communes: NTM xã at the year end - NTM xã at the previous year end (rpt_attainment
      province rows; null without both);
    - avg_criteria_met: criteria met per xã at the year end (rpt_attainment province row);
    - ntm_advanced_communes: xã at level 'NTM nâng cao' or 'NTM kiểu mẫu' at the year end;
    - poor_rate_reduction_pp: minus the province's poor_rate_change_pp at the year end
      (rpt_poverty province row; null across a poverty-standard switch);
    - poor_rate_reduction_pp_30a_districts: the same for the Programme 30a districts (those in
      30a at the year end) taken together: their households and poor households are summed, in
      both years, under the same standard.
    Actuals are rounded to 2 decimals; met compares the rounded actual with planned_value by the
    seed's comparison ('>=' or '<='); null when the actual is unknown.
#}
with

targets as (

    select * from {{ ref('stg_reference__province_targets') }}

),

quarters as (

    select * from {{ ref('dim_quarter') }}

),

attainment as (

    select * from {{ ref('rpt_attainment') }}

),

poverty as (

    select * from {{ ref('rpt_poverty') }}

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

year_ends as (

    select
        quarter,
        year_number,
        year_ago_quarter,
        last_day
    from quarters
    where is_year_end

),

province_attainment as (

    select
        year_ends.year_number,
        attainment.province_code,
        attainment.ntm_communes,
        attainment.avg_criteria_met,
        year_ago.ntm_communes as year_ago_ntm_communes
    from year_ends
    inner join attainment
        on year_ends.quarter = attainment.quarter
        and attainment.district_code is null
    left join attainment as year_ago
        on year_ends.year_ago_quarter = year_ago.quarter
        and year_ago.province_code = attainment.province_code
        and year_ago.district_code is null

),

advanced as (

    select
        year_ends.year_number,
        recognition.province_code,
        sum(
            case when recognition.ntm_level in ('NTM nâng cao', 'NTM kiểu mẫu') then 1 else 0 end
        ) as advanced_communes
    from year_ends
    inner join recognition
        on year_ends.quarter = recognition.quarter
    inner join communes
        on recognition.commune_sk = communes.commune_sk
    where communes.is_xa
    group by year_ends.year_number, recognition.province_code

),

province_poverty as (

    select
        year_ends.year_number,
        poverty.province_code,
        -- several standards in one year-end quarter: only a same-standard change is non-null
        max(-poverty.poor_rate_change_pp) as poor_rate_reduction_pp
    from year_ends
    inner join poverty
        on year_ends.quarter = poverty.quarter
        and poverty.district_code is null
    group by year_ends.year_number, poverty.province_code

),

districts_30a as (

    select
        year_ends.year_number,
        districts.province_code,
        districts.district_code
    from year_ends
    inner join districts
        on year_ends.last_day between districts.valid_from and districts.valid_to
    where districts.is_in_30a_district

),

households_30a as (

    select
        districts_30a.year_number,
        districts_30a.province_code,
        households.poverty_standard,
        sum(case when households.quarter = year_ends.quarter then households.households end)
            as households_now,
        sum(case when households.quarter = year_ends.quarter then households.poor_households end)
            as poor_now,
        sum(case when households.quarter = year_ends.year_ago_quarter then households.households end)
            as households_year_ago,
        sum(
            case when households.quarter = year_ends.year_ago_quarter then households.poor_households end
        ) as poor_year_ago
    from districts_30a
    inner join year_ends
        on districts_30a.year_number = year_ends.year_number
    inner join households
        on households.district_code = districts_30a.district_code
        and households.quarter in (year_ends.quarter, year_ends.year_ago_quarter)
    group by districts_30a.year_number, districts_30a.province_code, households.poverty_standard

),

poverty_30a as (

    select
        year_number,
        province_code,
        max(
            -{{ ntm.round_double(
                '100 * ' ~ ntm.safe_divide('poor_now', 'households_now')
                ~ ' - 100 * ' ~ ntm.safe_divide('poor_year_ago', 'households_year_ago'), 2
            ) }}
        ) as poor_rate_reduction_pp
    from households_30a
    group by year_number, province_code

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
        case targets.target
            when 'new_ntm_communes'
                then province_attainment.ntm_communes - province_attainment.year_ago_ntm_communes
            when 'avg_criteria_met' then province_attainment.avg_criteria_met
            when 'ntm_advanced_communes' then
                case when province_attainment.province_code is not null
                    then coalesce(advanced.advanced_communes, 0)
                end
            when 'poor_rate_reduction_pp' then province_poverty.poor_rate_reduction_pp
            when 'poor_rate_reduction_pp_30a_districts' then poverty_30a.poor_rate_reduction_pp
        end as actual_value
    from targets
    left join province_attainment
        on targets.year_number = province_attainment.year_number
        and targets.province_code = province_attainment.province_code
    left join advanced
        on targets.year_number = advanced.year_number
        and targets.province_code = advanced.province_code
    left join province_poverty
        on targets.year_number = province_poverty.year_number
        and targets.province_code = province_poverty.province_code
    left join poverty_30a
        on targets.year_number = poverty_30a.year_number
        and targets.province_code = poverty_30a.province_code

),

final as (

    select
        cast(year_number as {{ dbt.type_int() }}) as year,
        cast(province_code as {{ dbt.type_string() }}) as province_code,
        cast(target as {{ dbt.type_string() }}) as target,
        cast(
            case target
                when 'new_ntm_communes' then 'Số xã đạt chuẩn NTM tăng thêm trong năm'
                when 'avg_criteria_met' then 'Số tiêu chí bình quân/xã'
                when 'ntm_advanced_communes' then 'Số xã đạt chuẩn NTM nâng cao'
                when 'poor_rate_reduction_pp' then 'Mức giảm tỷ lệ hộ nghèo toàn tỉnh (điểm %)'
                when 'poor_rate_reduction_pp_30a_districts'
                    then 'Mức giảm tỷ lệ hộ nghèo các huyện nghèo 30a (điểm %)'
            end as {{ dbt.type_string() }}
        ) as target_name_vi,
        cast(
            case target
                when 'new_ntm_communes' then 'New NTM communes in the year'
                when 'avg_criteria_met' then 'Average criteria met per xã at year end'
                when 'ntm_advanced_communes' then 'Advanced (or model) NTM xã at year end'
                when 'poor_rate_reduction_pp' then 'Province poor-rate reduction (pp)'
                when 'poor_rate_reduction_pp_30a_districts'
                    then 'Poor-rate reduction in the 30a poor districts (pp)'
            end as {{ dbt.type_string() }}
        ) as target_name_en,
        cast(unit as {{ dbt.type_string() }}) as unit,
        cast(comparison as {{ dbt.type_string() }}) as comparison,
        cast(planned_value as {{ ntm.type_double() }}) as planned_value,
        {{ ntm.round_double('actual_value', 2) }} as actual_value,
        cast(
            case
                when actual_value is null then null
                when comparison = '>=' then {{ ntm.round_double('actual_value', 2) }} >= planned_value
                when comparison = '<=' then {{ ntm.round_double('actual_value', 2) }} <= planned_value
            end
            as {{ dbt.type_boolean() }}
        ) as met,
        cast(source_note as {{ dbt.type_string() }}) as source
    from actuals

)

select * from final
