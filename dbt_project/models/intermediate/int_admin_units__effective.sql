{#
    Each GSO snapshot row is effective from its snapshot_date to the day before the next snapshot
    date (the last snapshot: open, var open_valid_to). Assumption: the EARLIEST snapshot is also
    valid for every earlier date (valid_from = var first_snapshot_valid_from), since no older
    catalogue is loaded. Snapshot dates are global: a unit missing from the next snapshot (merged
    away) simply ends the day before it.
#}
with

admin_units as (

    select * from {{ ref('stg_reference__gso_admin_units') }}

),

snapshots as (

    select distinct snapshot_date
    from admin_units

),

snapshot_sequence as (

    select
        snapshot_date,
        row_number() over (order by snapshot_date) as snapshot_rank,
        lead(snapshot_date) over (order by snapshot_date) as next_snapshot_date
    from snapshots

),

snapshot_periods as (

    select
        snapshot_date,
        case
            when snapshot_rank = 1 then cast('{{ var("first_snapshot_valid_from") }}' as date)
            else snapshot_date
        end as valid_from,
        case
            when next_snapshot_date is null then cast('{{ var("open_valid_to") }}' as date)
            else cast({{ dbt.dateadd('day', -1, 'next_snapshot_date') }} as date)
        end as valid_to
    from snapshot_sequence

),

effective_units as (

    select
        admin_units.commune_code,
        snapshot_periods.valid_from,
        snapshot_periods.valid_to,
        admin_units.snapshot_date,
        admin_units.commune_name,
        admin_units.commune_type,
        admin_units.district_code,
        admin_units.district_name,
        admin_units.district_type,
        admin_units.province_code,
        admin_units.province_name,
        admin_units.province_type
    from admin_units
    inner join snapshot_periods
        on admin_units.snapshot_date = snapshot_periods.snapshot_date

),

final as (

    select * from effective_units

)

select * from final
