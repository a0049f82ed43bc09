with

commune_versions as (

    select * from {{ ref('int_communes__versions') }}

),

final as (

    -- unit_starts_on / unit_ends_on bound the unit each version belongs to: a GSO code reused
    -- after a gap in the catalogue (01117 Ngán Chiên to 2019-12-31, Trung Thịnh from
    -- 2025-03-01) is two units, never one that lives on through the gap
    select * from commune_versions

)

select * from final
