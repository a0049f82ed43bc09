{#
    Effective-dated provinces: one version per GSO snapshot period a province is in (the
    catalogue row of the snapshot holds from its snapshot date to the day before the next one;
    see int_admin_units__effective). Look up at a date d with d between valid_from and valid_to.
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
        province_type
    from admin_units

),

bounds as (

    select
        province_code,
        min(snapshot_date) as first_snapshot_date,
        max(snapshot_date) as last_snapshot_date
    from province_periods
    group by province_code

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
        bounds.first_snapshot_date,
        bounds.last_snapshot_date
    from province_periods
    inner join bounds
        on province_periods.province_code = bounds.province_code

)

select * from final
