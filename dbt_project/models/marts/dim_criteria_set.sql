{#
    The versioned national criteria sets for NTM communes (seed criteria_sets): how many
    criteria each has and the years it may be reported. Attainment figures carry criteria_set
    and criteria_count and are never averaged across sets.
#}
with

criteria_sets as (

    select * from {{ ref('stg_reference__criteria_sets') }}

),

criteria as (

    select * from {{ ref('stg_reference__criteria') }}

),

listed_criteria as (

    select
        criteria_set,
        count(*) as listed_criteria_count
    from criteria
    group by criteria_set

),

final as (

    select
        criteria_sets.criteria_set,
        criteria_sets.criteria_set_name_vi,
        criteria_sets.criteria_set_name_en,
        criteria_sets.legal_basis,
        criteria_sets.criteria_count,
        listed_criteria.listed_criteria_count,
        criteria_sets.first_year,
        criteria_sets.last_year
    from criteria_sets
    left join listed_criteria
        on criteria_sets.criteria_set = listed_criteria.criteria_set

)

select * from final
