{# Poverty standards by period (seed poverty_standards); an open period ends on var open_valid_to. #}
with

standards as (

    select * from {{ ref('stg_reference__poverty_standards') }}

),

final as (

    select
        poverty_standard,
        poverty_standard_name_vi,
        poverty_standard_name_en,
        legal_basis,
        valid_from,
        coalesce(valid_to, cast('{{ var("open_valid_to") }}' as date)) as valid_to,
        poverty_standard_description
    from standards

)

select * from final
