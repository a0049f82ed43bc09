{#
    One row per GSO district code ever in the catalogue (district codes are unique nationally),
    named as in its latest snapshot. Programme 30a membership by period is on dim_commune.
#}
with

admin_units as (

    select * from {{ ref('int_admin_units__effective') }}

),

districts_by_snapshot as (

    select distinct
        district_code,
        snapshot_date,
        district_name,
        district_type,
        province_code
    from admin_units

),

ranked as (

    select
        *,
        row_number() over (partition by district_code order by snapshot_date desc) as recency_rank,
        min(snapshot_date) over (partition by district_code) as first_snapshot_date
    from districts_by_snapshot

),

final as (

    select
        district_code,
        province_code,
        district_name,
        district_type,
        first_snapshot_date,
        snapshot_date as last_snapshot_date
    from ranked
    where recency_rank = 1

)

select * from final
