{#
    Each GSO snapshot row is effective from its snapshot_date to the day before the next snapshot
    date. Assumption: the EARLIEST snapshot is also valid for every earlier date (valid_from =
    var first_snapshot_valid_from), since no older catalogue is loaded. Snapshot dates are
    global: a unit missing from the next snapshot (merged away) simply ends the day before it.
    The 2025 reform is the last "snapshot": the current units (seed admin_units_2025) are
    effective from its valid_from (2025-07-01), open, with no district (the province is their
    parent), so every unit of the GSO catalogue, and every old district and province, ends by
    2025-06-30.
    A gap is an end: GSO codes are reused (01117 is Xã Ngán Chiên up to 2019-12-31, absent from
    the 2020-01-01 snapshot, Xã Trung Thịnh from 2025-03-01), so a code present, absent, then
    present again is two units. The reform is an end too: a code of the old map reused by the
    new one (00691 Phường Trần Phú of Hà Giang until 2025-06-30, Phường Hà Giang 2 of Tuyên
    Quang from 2025-07-01) is two units, whether or not the two are the same ground.
    unit_starts_on / unit_ends_on bound the unit a row belongs to: the run of consecutive
    snapshots of one era (admin_era) that list the code, without a gap.
#}
with

gso_units as (

    select * from {{ ref('stg_reference__gso_admin_units') }}

),

current_units as (

    select * from {{ ref('stg_reference__admin_units_2025') }}

),

-- one list of catalogue rows for both eras; the reform's units are the snapshot of its date
admin_units as (

    select
        'three_tier' as admin_era,
        snapshot_date,
        commune_code,
        commune_name,
        commune_type,
        district_code,
        district_name,
        district_type,
        province_code,
        province_name,
        province_type,
        cast(null as {{ ntm.type_double() }}) as area_km2
    from gso_units

    union all

    select
        'two_tier' as admin_era,
        valid_from as snapshot_date,
        commune_code,
        commune_name,
        commune_type,
        cast(null as {{ dbt.type_string() }}) as district_code,
        cast(null as {{ dbt.type_string() }}) as district_name,
        cast(null as {{ dbt.type_string() }}) as district_type,
        province_code,
        province_name,
        -- the seed names the province with its type, as the GSO catalogue types it
        case
            when province_name like 'Thành phố %' then 'Thành phố Trung ương'
            else 'Tỉnh'
        end as province_type,
        area_km2
    from current_units

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
        -- gaps and islands: constant over consecutive snapshots of one era listing the code,
        -- and changed by every snapshot the code is missing from; the era is part of the
        -- partition, so the reform always ends a unit
        snapshot_periods.snapshot_rank - row_number() over (
            partition by admin_units.commune_code, admin_units.admin_era
            order by admin_units.snapshot_date
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
        min(valid_from) over (
            partition by commune_code, admin_era, presence_run
        ) as unit_starts_on,
        max(valid_to) over (partition by commune_code, admin_era, presence_run) as unit_ends_on,
        admin_era,
        snapshot_date,
        commune_name,
        commune_type,
        district_code,
        district_name,
        district_type,
        province_code,
        province_name,
        province_type,
        area_km2
    from ranked_units

),

final as (

    select * from effective_units

)

select * from final
