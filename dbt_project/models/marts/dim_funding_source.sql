{# Funding sources with their reporting category (seed funding_sources). #}
with

sources as (

    select * from {{ ref('stg_reference__funding_sources') }}

),

final as (

    select
        funding_source_code,
        funding_source_name_vi,
        funding_source_name_en,
        source_category,
        source_category_name_vi,
        source_category_name_en,
        is_state_budget,
        sort_order
    from sources

)

select * from final
