{# Programmes whose money the `Nguon von` sheet reports (seed programmes). #}
with

programmes as (

    select * from {{ ref('stg_reference__programmes') }}

),

final as (

    select
        programme_code,
        programme_name_vi,
        programme_name_en,
        programme_group,
        is_ntm_programme,
        programme_period,
        sort_order
    from programmes

)

select * from final
