with

commune_versions as (

    select * from {{ ref('int_communes__versions') }}

),

final as (

    select
        *,
        -- the last day the unit exists in the catalogue: 9999-12-31 while it exists, the day
        -- before the snapshot it is missing from once merged away (Hà Giang 2020-01-01)
        max(valid_to) over (partition by commune_code) as unit_ends_on
    from commune_versions

)

select * from final
