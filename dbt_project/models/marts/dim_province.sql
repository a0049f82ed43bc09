{#
    One row per GSO province code ever in the catalogue, named as in its latest snapshot.
#}
with

admin_units as (

    select * from {{ ref('int_admin_units__effective') }}

),

provinces_by_snapshot as (

    select distinct
        province_code,
        snapshot_date,
        province_name,
        province_type
    from admin_units

),

ranked as (

    select
        *,
        row_number() over (partition by province_code order by snapshot_date desc) as recency_rank,
        min(snapshot_date) over (partition by province_code) as first_snapshot_date
    from provinces_by_snapshot

),

final as (

    select
        province_code,
        province_name,
        province_type,
        first_snapshot_date,
        snapshot_date as last_snapshot_date
    from ranked
    where recency_rank = 1

)

select * from final
