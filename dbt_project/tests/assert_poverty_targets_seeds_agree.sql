{{ config(meta={'dagster': {'ref': {'name': 'stg_reference__province_targets'}}}) }}
{#
    The two editable target seeds must agree: a poverty-reduction row of province_targets
    (rpt_targets) has the same value as poverty_reduction_targets (rpt_poverty) for its province,
    year and scope. Returns the disagreeing rows.
#}
with

plan_targets as (

    select
        year_number,
        province_code,
        case target
            when 'poor_rate_reduction_pp' then 'province'
            when 'poor_rate_reduction_pp_30a_districts' then '30a_district'
        end as target_scope,
        planned_value
    from {{ ref('stg_reference__province_targets') }}
    where target in ('poor_rate_reduction_pp', 'poor_rate_reduction_pp_30a_districts')

),

reduction_targets as (

    select * from {{ ref('stg_reference__poverty_reduction_targets') }}

)

select
    plan_targets.year_number,
    plan_targets.province_code,
    plan_targets.target_scope,
    plan_targets.planned_value,
    reduction_targets.target_reduction_pp
from plan_targets
left join reduction_targets
    on plan_targets.province_code = reduction_targets.province_code
    and plan_targets.target_scope = reduction_targets.target_scope
    and plan_targets.year_number between reduction_targets.from_year and reduction_targets.to_year
where reduction_targets.target_reduction_pp is null
    or abs(reduction_targets.target_reduction_pp - plan_targets.planned_value) > 0.000001
