{#
    Effective-dated versions of each commune-level unit: a new version starts whenever its GSO
    catalogue row, its classification (especially difficult / border) or its district's
    Programme 30a status changes. Versions are contiguous and never overlap; adjacent versions
    may carry identical attributes (they are not merged).
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

admin_bounds as (

    select
        commune_code,
        min(valid_from) as first_valid_from,
        max(valid_to) as last_valid_to
    from admin_units
    group by commune_code

),

programme_30a_communes as (

    select distinct
        admin_units.commune_code,
        programme_30a.valid_from,
        programme_30a.valid_to
    from programme_30a
    inner join admin_units
        on programme_30a.district_code = admin_units.district_code

),

period_edges as (

    select commune_code, valid_from, valid_to from admin_units
    union all
    select commune_code, valid_from, valid_to from classification
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
        classification.is_especially_difficult,
        classification.is_border,
        classification.source_note as classification_source,
        programme_30a_communes.commune_code is not null as is_in_30a_district
    from periods
    inner join admin_units
        on periods.commune_code = admin_units.commune_code
        and periods.valid_from between admin_units.valid_from and admin_units.valid_to
    left join classification
        on periods.commune_code = classification.commune_code
        and periods.valid_from between classification.valid_from and classification.valid_to
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
        is_especially_difficult,
        is_border,
        classification_source,
        is_in_30a_district
    from versions

)

select * from final
