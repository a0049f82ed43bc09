{#
    Each GSO snapshot row is effective from its snapshot_date to the day before the next snapshot
    date (the last snapshot: open, var open_valid_to). Assumption: the EARLIEST snapshot is also
    valid for every earlier date (valid_from = var first_snapshot_valid_from), since no older
    catalogue is loaded. Snapshot dates are global: a unit missing from the next snapshot (merged
    away) simply ends the day before it.
    A gap is an end: GSO codes are reused (01117 is Xã Ngán Chiên up to 2019-12-31, absent from
    the 2020-01-01 snapshot, Xã Trung Thịnh from 2025-03-01), so a code present, absent, then
    present again is two units. unit_starts_on / unit_ends_on bound the unit a row belongs to:
    the run of consecutive snapshots that list the code, without a gap.
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
        snapshot_rank,
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

ranked_units as (

    select
        admin_units.*,
        snapshot_periods.valid_from,
        snapshot_periods.valid_to,
        -- gaps and islands: constant over consecutive snapshots listing the code, and changed
        -- by every snapshot the code is missing from
        snapshot_periods.snapshot_rank - row_number() over (
            partition by admin_units.commune_code order by admin_units.snapshot_date
        ) as presence_run
    from admin_units
    inner join snapshot_periods
        on admin_units.snapshot_date = snapshot_periods.snapshot_date

),

effective_units as (

    select
        commune_code,
        valid_from,
        valid_to,
        min(valid_from) over (partition by commune_code, presence_run) as unit_starts_on,
        max(valid_to) over (partition by commune_code, presence_run) as unit_ends_on,
        snapshot_date,
        commune_name,
        commune_type,
        district_code,
        district_name,
        district_type,
        province_code,
        province_name,
        province_type
    from ranked_units

),

final as (

    select * from effective_units

)

select * from final
