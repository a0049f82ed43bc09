{# Poverty standards by period (seed poverty_standards). #}
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
        valid_to
    from standards

)

select * from final
