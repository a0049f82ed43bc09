{#
    Effective-dated provinces: one version per GSO snapshot period a province is in (the
    catalogue row of the snapshot holds from its snapshot date to the day before the next one;
    see int_admin_units__effective). Look up at a date d with d between valid_from and valid_to.
    Codes are reused across the 2025 reform: the 63 provinces of the old map end 2025-06-30 and
    the 34 of the two-tier map start 2025-07-01 (08 is old Tuyên Quang to 2025-06-30, the
    merged Tuyên Quang, with old Hà Giang, from 2025-07-01): a code names a province only with
    its date (admin_era).
#}
with

admin_units as (

    select * from {{ ref('int_admin_units__effective') }}

),

province_periods as (

    select distinct
        province_code,
        valid_from,
        valid_to,
        snapshot_date,
        province_name,
        province_type,
        admin_era
    from admin_units

),

bounds as (

    -- per map: a code of both maps is two provinces
    select
        province_code,
        admin_era,
        min(valid_from) as province_starts_on,
        max(valid_to) as province_ends_on,
        min(snapshot_date) as first_snapshot_date,
        max(snapshot_date) as last_snapshot_date
    from province_periods
    group by province_code, admin_era

),

final as (

    select
        {{ ntm.surrogate_key(['province_periods.province_code', 'province_periods.valid_from']) }}
            as province_sk,
        province_periods.province_code,
        province_periods.valid_from,
        province_periods.valid_to,
        province_periods.valid_to = cast('{{ var("open_valid_to") }}' as date)
            as is_current_version,
        province_periods.snapshot_date,
        province_periods.province_name,
        province_periods.province_type,
        province_periods.admin_era,
        bounds.province_starts_on,
        bounds.province_ends_on,
        bounds.first_snapshot_date,
        bounds.last_snapshot_date
    from province_periods
    inner join bounds
        on province_periods.province_code = bounds.province_code
        and province_periods.admin_era = bounds.admin_era

)

select * from final
