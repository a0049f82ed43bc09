{#
    History on today's map: every commune-level unit as it was, with the current unit(s) it lies
    in. Old map (admin_era three_tier): each unit of int_admin_units__effective (a code's run of
    consecutive snapshots; a reused code is several units), named as on its last day. A unit in
    force on the eve of the reform (2025-06-30) takes its rows of the package's conversion
    (seed admin_unit_conversion_2025): same, merged, or split with an area share per current
    unit. A unit that ended earlier is not in the conversion (its code, if listed there, is a
    later unit's): it is 'unmapped', unless exactly one unit of the SAME district with the SAME
    name starts the day after it ends under another code and reaches the reform (01111 Xã Trung
    Thịnh of Xín Mần, listed as 01117 from 2025-03-01): then it follows that unit's rows and
    lineage_basis says so. Nothing is guessed beyond that rule. Current map (two_tier): each
    current unit lies in itself ('same').
#}
with

admin_units as (

    select * from {{ ref('int_admin_units__effective') }}

),

conversion as (

    select * from {{ ref('stg_reference__admin_unit_conversion_2025') }}

),

old_rows as (

    select * from admin_units
    where admin_era = 'three_tier'

),

-- the last day of the old map
reform_eve as (

    select max(unit_ends_on) as last_old_day
    from old_rows

),

-- one row per old unit, with its attributes on its last day
old_units as (

    select
        commune_code,
        unit_starts_on,
        unit_ends_on,
        province_code,
        district_code,
        commune_name,
        commune_type
    from old_rows
    where valid_to = unit_ends_on

),

-- the same unit on its first day (a successor is matched where it starts)
old_unit_starts as (

    select
        commune_code,
        unit_starts_on,
        unit_ends_on,
        district_code,
        commune_name
    from old_rows
    where valid_from = unit_starts_on

),

ended_units as (

    select old_units.*
    from old_units
    cross join reform_eve
    where old_units.unit_ends_on < reform_eve.last_old_day

),

successor_candidates as (

    select
        ended_units.commune_code,
        ended_units.unit_starts_on,
        old_unit_starts.commune_code as successor_code,
        old_unit_starts.unit_ends_on as successor_ends_on,
        count(*) over (
            partition by ended_units.commune_code, ended_units.unit_starts_on
        ) as candidate_count
    from ended_units
    inner join old_unit_starts
        on ended_units.district_code = old_unit_starts.district_code
        and ended_units.commune_name = old_unit_starts.commune_name
        and ended_units.commune_code <> old_unit_starts.commune_code
        and old_unit_starts.unit_starts_on
            = cast({{ dbt.dateadd('day', 1, 'ended_units.unit_ends_on') }} as date)

),

-- the code whose conversion rows an old unit takes: its own when it reaches the reform, a
-- single same-name successor's that reaches the reform when it ended earlier
followed as (

    select
        old_units.commune_code,
        old_units.unit_starts_on,
        case
            when old_units.unit_ends_on = reform_eve.last_old_day then old_units.commune_code
            when successor_candidates.successor_ends_on = reform_eve.last_old_day
                then successor_candidates.successor_code
        end as followed_commune_code,
        case
            when old_units.unit_ends_on = reform_eve.last_old_day then 'conversion'
            when successor_candidates.successor_ends_on = reform_eve.last_old_day
                then 'same_name_successor'
            else 'ended_before_reform'
        end as lineage_basis
    from old_units
    cross join reform_eve
    left join successor_candidates
        on old_units.commune_code = successor_candidates.commune_code
        and old_units.unit_starts_on = successor_candidates.unit_starts_on
        and successor_candidates.candidate_count = 1

),

old_lineage as (

    select
        old_units.province_code,
        old_units.district_code,
        old_units.commune_code,
        old_units.commune_name,
        old_units.commune_type,
        'three_tier' as admin_era,
        old_units.unit_starts_on,
        old_units.unit_ends_on,
        conversion.new_province_code as current_province_code,
        conversion.new_commune_code as current_commune_code,
        conversion.new_commune_name as current_commune_name,
        coalesce(conversion.mapping, 'unmapped') as mapping,
        conversion.area_share,
        conversion.is_default_unit,
        case
            when conversion.mapping is null and followed.lineage_basis = 'conversion'
                then 'not_in_conversion'
            when conversion.mapping is null and followed.lineage_basis = 'same_name_successor'
                then 'successor_not_in_conversion'
            else followed.lineage_basis
        end as lineage_basis,
        case
            when followed.lineage_basis = 'same_name_successor'
                then followed.followed_commune_code
        end as followed_commune_code
    from old_units
    inner join followed
        on old_units.commune_code = followed.commune_code
        and old_units.unit_starts_on = followed.unit_starts_on
    left join conversion
        on followed.followed_commune_code = conversion.old_commune_code

),

current_lineage as (

    select
        province_code,
        district_code,
        commune_code,
        commune_name,
        commune_type,
        admin_era,
        unit_starts_on,
        unit_ends_on,
        province_code as current_province_code,
        commune_code as current_commune_code,
        commune_name as current_commune_name,
        'same' as mapping,
        cast(1.0 as {{ ntm.type_double() }}) as area_share,
        true as is_default_unit,
        'current_unit' as lineage_basis,
        cast(null as {{ dbt.type_string() }}) as followed_commune_code
    from admin_units
    where admin_era = 'two_tier'

),

final as (

    select * from old_lineage
    union all
    select * from current_lineage

)

select * from final
