{#
    Effective-dated versions of each district: a new version starts whenever its GSO catalogue
    row (name, type, province) or its Programme 30a status changes. Built like
    int_communes__versions: contiguous, non-overlapping versions; adjacent versions may carry
    identical attributes (they are not merged). Districts exist on the old map only: the current
    units (from 2025-07-01) have none, so every district ends by 2025-06-30.
#}
with

admin_units as (

    select * from {{ ref('int_admin_units__effective') }}

),

district_periods as (

    select distinct
        district_code,
        valid_from,
        valid_to,
        snapshot_date,
        district_name,
        district_type,
        province_code,
        province_name
    from admin_units
    where district_code is not null

),

programme_30a as (

    select
        district_code,
        valid_from,
        coalesce(valid_to, cast('{{ var("open_valid_to") }}' as date)) as valid_to
    from {{ ref('stg_reference__programme_30a_districts') }}

),

admin_bounds as (

    select
        district_code,
        min(valid_from) as first_valid_from,
        max(valid_to) as last_valid_to,
        min(snapshot_date) as first_snapshot_date,
        max(snapshot_date) as last_snapshot_date
    from district_periods
    group by district_code

),

period_edges as (

    select district_code, valid_from, valid_to from district_periods
    union all
    select district_code, valid_from, valid_to from programme_30a

),

periods as (

    {{ effective_periods('district_code', 'period_edges', 'admin_bounds') }}

),

versions as (

    select
        periods.district_code,
        periods.valid_from,
        case
            when periods.valid_to < district_periods.valid_to then periods.valid_to
            else district_periods.valid_to
        end as valid_to,
        district_periods.snapshot_date,
        district_periods.district_name,
        district_periods.district_type,
        district_periods.province_code,
        district_periods.province_name,
        programme_30a.district_code is not null as is_in_30a_district
    from periods
    inner join district_periods
        on periods.district_code = district_periods.district_code
        and periods.valid_from between district_periods.valid_from and district_periods.valid_to
    left join programme_30a
        on periods.district_code = programme_30a.district_code
        and periods.valid_from between programme_30a.valid_from and programme_30a.valid_to

),

final as (

    select
        {{ ntm.surrogate_key(['versions.district_code', 'versions.valid_from']) }} as district_sk,
        versions.district_code,
        versions.valid_from,
        versions.valid_to,
        versions.valid_to = cast('{{ var("open_valid_to") }}' as date) as is_current_version,
        versions.snapshot_date,
        versions.district_name,
        versions.district_type,
        versions.province_code,
        versions.province_name,
        versions.is_in_30a_district,
        admin_bounds.first_snapshot_date,
        admin_bounds.last_snapshot_date
    from versions
    inner join admin_bounds
        on versions.district_code = admin_bounds.district_code

)

select * from final
