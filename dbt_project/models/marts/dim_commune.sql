with

commune_versions as (

    select * from {{ ref('int_communes__versions') }}

),

final as (

    select * from commune_versions

)

select * from final
