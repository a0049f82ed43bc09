{#
    Effective-dated versions of each commune-level unit: a new version starts whenever its GSO
    catalogue row, its classification (especially difficult / border) or its district's
    Programme 30a status changes. Versions are contiguous and never overlap; adjacent versions
    may carry identical attributes (they are not merged).
    A gap is an end: a code reused after a gap in the catalogue (01117 Ngán Chiên up to
    2019-12-31, Trung Thịnh from 2025-03-01) is two units (int_admin_units__effective
    unit_starts_on / unit_ends_on); no version spans the gap, and nothing of one unit carries
    over to the other: a classification row belongs to the unit in force on its valid_from (or
    the next unit listing the code, if it starts in a gap) and ends with it; Programme 30a
    status comes from the district the version is in on its own dates.
    The reform is an end as well: the current units (from 2025-07-01, admin_era 'two_tier') have
    no district (district_code null, so never a Programme 30a district) and no classification
    (the lists name old communes); a code of both maps is two units.
#}
with

admin_units as (

    select * from {{ ref('int_admin_units__effective') }}

),

classification as (

    select
        commune_code,
        is_especially_difficult,
        is_border,
        source_note,
        valid_from,
        coalesce(valid_to, cast('{{ var("open_valid_to") }}' as date)) as valid_to
    from {{ ref('stg_reference__commune_classification') }}

),

programme_30a as (

    select
        district_code,
        valid_from,
        coalesce(valid_to, cast('{{ var("open_valid_to") }}' as date)) as valid_to
    from {{ ref('stg_reference__programme_30a_districts') }}

),

-- one row per unit: a code's run of consecutive snapshots (a code reused after a gap has two)
admin_bounds as (

    select distinct
        commune_code,
        unit_starts_on as first_valid_from,
        unit_ends_on as last_valid_to
    from admin_units

),

-- each classification row goes to the first unit of its code that has not ended by its
-- valid_from, and is cut at that unit's end: it never reaches a later unit with the same code
classification_units as (

    select
        classification.commune_code,
        classification.is_especially_difficult,
        classification.is_border,
        classification.source_note,
        classification.valid_from,
        classification.valid_to,
        admin_bounds.first_valid_from as unit_starts_on,
        admin_bounds.last_valid_to as unit_ends_on,
        row_number() over (
            partition by classification.commune_code, classification.valid_from
            order by admin_bounds.first_valid_from
        ) as unit_rank
    from classification
    inner join admin_bounds
        on classification.commune_code = admin_bounds.commune_code
        and classification.valid_from <= admin_bounds.last_valid_to

),

unit_classification as (

    select
        commune_code,
        is_especially_difficult,
        is_border,
        source_note,
        case when valid_from < unit_starts_on then unit_starts_on else valid_from end as valid_from,
        case when valid_to > unit_ends_on then unit_ends_on else valid_to end as valid_to
    from classification_units
    where unit_rank = 1

),

-- Programme 30a periods of the district each catalogue row is in, within that row's dates
programme_30a_communes as (

    select
        admin_units.commune_code,
        case
            when programme_30a.valid_from < admin_units.valid_from then admin_units.valid_from
            else programme_30a.valid_from
        end as valid_from,
        case
            when programme_30a.valid_to > admin_units.valid_to then admin_units.valid_to
            else programme_30a.valid_to
        end as valid_to
    from admin_units
    inner join programme_30a
        on admin_units.district_code = programme_30a.district_code
        and programme_30a.valid_from <= admin_units.valid_to
        and programme_30a.valid_to >= admin_units.valid_from

),

period_edges as (

    select commune_code, valid_from, valid_to from admin_units
    union all
    select commune_code, valid_from, valid_to from unit_classification
    union all
    select commune_code, valid_from, valid_to from programme_30a_communes

),

periods as (

    {{ effective_periods('commune_code', 'period_edges', 'admin_bounds') }}

),

versions as (

    select
        periods.commune_code,
        periods.valid_from,
        -- a period never outlives the catalogue row it starts in
        case
            when periods.valid_to < admin_units.valid_to then periods.valid_to
            else admin_units.valid_to
        end as valid_to,
        admin_units.snapshot_date,
        admin_units.commune_name,
        admin_units.commune_type,
        admin_units.district_code,
        admin_units.district_name,
        admin_units.province_code,
        admin_units.province_name,
        admin_units.unit_starts_on,
        admin_units.unit_ends_on,
        admin_units.admin_era,
        admin_units.area_km2,
        unit_classification.is_especially_difficult,
        unit_classification.is_border,
        unit_classification.source_note as classification_source,
        programme_30a_communes.commune_code is not null as is_in_30a_district
    from periods
    inner join admin_units
        on periods.commune_code = admin_units.commune_code
        and periods.valid_from between admin_units.valid_from and admin_units.valid_to
    left join unit_classification
        on periods.commune_code = unit_classification.commune_code
        and periods.valid_from
            between unit_classification.valid_from and unit_classification.valid_to
    left join programme_30a_communes
        on periods.commune_code = programme_30a_communes.commune_code
        and periods.valid_from
            between programme_30a_communes.valid_from and programme_30a_communes.valid_to

),

final as (

    select
        {{ ntm.surrogate_key(['commune_code', 'valid_from']) }} as commune_sk,
        commune_code,
        valid_from,
        valid_to,
        valid_to = cast('{{ var("open_valid_to") }}' as date) as is_current_version,
        snapshot_date,
        commune_name,
        commune_type,
        commune_type = 'Xã' as is_xa,
        district_code,
        district_name,
        province_code,
        province_name,
        unit_starts_on,
        unit_ends_on,
        admin_era,
        area_km2,
        is_especially_difficult,
        is_border,
        classification_source,
        is_in_30a_district
    from versions

)

select * from final
