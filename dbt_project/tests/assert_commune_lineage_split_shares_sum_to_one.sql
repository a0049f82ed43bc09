{{ config(meta={'dagster': {'ref': {'name': 'int_commune_lineage'}}}) }}
{#
    A unit divided between several current units is all accounted for: its area shares sum to 1
    (within the rounding of the seed's 6 decimals). Returns the units whose shares do not.
#}
with

lineage as (

    select * from {{ ref('int_commune_lineage') }}

),

split_totals as (

    select
        commune_code,
        unit_starts_on,
        sum(area_share) as total_share
    from lineage
    where mapping = 'split'
    group by commune_code, unit_starts_on

),

final as (

    select *
    from split_totals
    where abs(total_share - 1) > 0.0001

)

select * from final
