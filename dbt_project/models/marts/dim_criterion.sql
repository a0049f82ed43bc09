{#
    The criteria, versioned by criteria set (seed criteria): each set numbers and names its own
    criteria (QD1980_2016 and QD318_2022: the same 19 numbers in groups I-V; QD51_2025: 10
    criteria, not grouped). A new set is a new block of rows in the seeds, never assumed fixed.
#}
with

criteria as (

    select * from {{ ref('stg_reference__criteria') }}

),

criteria_sets as (

    select * from {{ ref('stg_reference__criteria_sets') }}

),

final as (

    select
        {{ dbt.concat([
            'criteria.criteria_set', "'.tc'",
            dbt.right(dbt.concat(["'0'", "cast(criteria.criterion_no as " ~ dbt.type_string() ~ ")"]), 2),
        ]) }} as criterion_key,
        criteria.criteria_set,
        criteria_sets.criteria_set_name_vi as criteria_set_name,
        criteria_sets.first_year as criteria_set_first_year,
        criteria_sets.criteria_count,
        criteria.criterion_no,
        criteria.group_no,
        criteria.group_name_vi,
        criteria.group_name_en,
        criteria.criterion_name_vi,
        criteria.criterion_name_en
    from criteria
    inner join criteria_sets
        on criteria.criteria_set = criteria_sets.criteria_set

)

select * from final
