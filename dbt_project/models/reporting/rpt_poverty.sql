{#
    Households and poverty per district (and province: district_code null) and quarter, under
    each poverty standard the area's workbooks declared. Rates are over ALL commune-level units
    (xã, phường, thị trấn), in percent, computed from totals (never an average of rates).
    poor_rate_change_pp = this quarter's unrounded rate - the same area's unrounded rate a year
    earlier under the SAME standard (null across a standard switch or with no year-earlier row),
    rounded to 2. target_reduction_pp comes from seed poverty_reduction_targets (province row:
    scope 'province'; a 30a poor district on the quarter's last day: '30a_district'; any other
    district: 'ordinary_district'); target_met compares the rounded change with it.
#}
with

households as (

    select * from {{ ref('fct_commune_households') }}

),

quarters as (

    select * from {{ ref('dim_quarter') }}

),

districts as (

    select * from {{ ref('dim_district') }}

),

reduction_targets as (

    select * from {{ ref('stg_reference__poverty_reduction_targets') }}

),

district_totals as (

    select
        quarter,
        province_code,
        district_code,
        poverty_standard,
        count(*) as commune_units,
        sum(households) as households,
        sum(poor_households) as poor_households,
        sum(near_poor_households) as near_poor_households,
        sum(poor_ethnic_minority_households) as poor_ethnic_minority_households,
        sum(case when poor_ethnic_minority_households is null then 1 else 0 end)
            as ethnic_minority_blank_units
    from households
    group by quarter, province_code, district_code, poverty_standard

),

district_rows as (

    select
        district_totals.*,
        'district' as row_scope,
        coalesce(districts.is_in_30a_district, false) as is_30a_district
    from district_totals
    inner join quarters
        on district_totals.quarter = quarters.quarter
    left join districts
        on district_totals.district_code = districts.district_code
        and quarters.last_day between districts.valid_from and districts.valid_to

),

province_rows as (

    select
        quarter,
        province_code,
        cast(null as {{ dbt.type_string() }}) as district_code,
        poverty_standard,
        sum(commune_units) as commune_units,
        sum(households) as households,
        sum(poor_households) as poor_households,
        sum(near_poor_households) as near_poor_households,
        sum(poor_ethnic_minority_households) as poor_ethnic_minority_households,
        sum(ethnic_minority_blank_units) as ethnic_minority_blank_units,
        'province' as row_scope,
        cast(null as {{ dbt.type_boolean() }}) as is_30a_district
    from district_rows
    group by quarter, province_code, poverty_standard

),

all_rows as (

    select * from district_rows
    union all
    select * from province_rows

),

rated as (

    select
        all_rows.*,
        quarters.year_number,
        quarters.year_ago_quarter,
        100 * {{ ntm.safe_divide('all_rows.poor_households', 'all_rows.households') }}
            as poor_rate,
        100 * {{ ntm.safe_divide('all_rows.near_poor_households', 'all_rows.households') }}
            as near_poor_rate,
        case
            when all_rows.row_scope = 'province' then 'province'
            when all_rows.is_30a_district then '30a_district'
            else 'ordinary_district'
        end as target_scope
    from all_rows
    inner join quarters
        on all_rows.quarter = quarters.quarter

),

compared as (

    select
        rated.*,
        {{ ntm.round_double('rated.poor_rate - year_ago.poor_rate', 2) }} as poor_rate_change_pp,
        reduction_targets.target_reduction_pp
    from rated
    left join rated as year_ago
        on year_ago.quarter = rated.year_ago_quarter
        and year_ago.province_code = rated.province_code
        and year_ago.row_scope = rated.row_scope
        and coalesce(year_ago.district_code, '') = coalesce(rated.district_code, '')
        and year_ago.poverty_standard = rated.poverty_standard
    left join reduction_targets
        on rated.province_code = reduction_targets.province_code
        and rated.target_scope = reduction_targets.target_scope
        and rated.year_number between reduction_targets.from_year and reduction_targets.to_year

),

final as (

    select
        cast(quarter as {{ dbt.type_string() }}) as quarter,
        cast(province_code as {{ dbt.type_string() }}) as province_code,
        cast(district_code as {{ dbt.type_string() }}) as district_code,
        cast(poverty_standard as {{ dbt.type_string() }}) as poverty_standard,
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
        cast(poor_rate_change_pp as {{ ntm.type_double() }}) as poor_rate_change_pp,
        cast(target_reduction_pp as {{ ntm.type_double() }}) as target_reduction_pp,
        cast(
            case
                when poor_rate_change_pp is null or target_reduction_pp is null then null
                when poor_rate_change_pp <= -target_reduction_pp then true
                else false
            end
            as {{ dbt.type_boolean() }}
        ) as target_met
    from compared

)

select * from final
