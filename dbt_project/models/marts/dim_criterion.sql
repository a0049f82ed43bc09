{#
    The criteria, versioned by criteria set: the same 19 numbers, named per decision (in
    Vietnamese and in English: each set has its own names).
    New sets (e.g. QD 51/2025 from 2026, 10 criteria) are added here, never assumed fixed.
#}
with

criteria as (

    select * from {{ ref('stg_reference__ntm_criteria') }}

),

criteria_2016_2020 as (

    select
        'QD1980_2016' as criteria_set,
        'QĐ 1980/QĐ-TTg (2016): 2016-2020' as criteria_set_name,
        2016 as criteria_set_first_year,
        criterion_no,
        group_no,
        group_name_vi,
        group_name_en,
        criterion_name_vi_2016_2020 as criterion_name_vi,
        criterion_name_en_2016_2020 as criterion_name_en
    from criteria

),

criteria_2021_2025 as (

    select
        'QD318_2022' as criteria_set,
        'QĐ 318/QĐ-TTg (2022): 2021-2025' as criteria_set_name,
        2021 as criteria_set_first_year,
        criterion_no,
        group_no,
        group_name_vi,
        group_name_en,
        criterion_name_vi_2021_2025 as criterion_name_vi,
        criterion_name_en_2021_2025 as criterion_name_en
    from criteria

),

unioned as (

    select * from criteria_2016_2020
    union all
    select * from criteria_2021_2025

),

final as (

    select
        {{ dbt.concat([
            'criteria_set', "'.tc'",
            dbt.right(dbt.concat(["'0'", "cast(criterion_no as " ~ dbt.type_string() ~ ")"]), 2),
        ]) }} as criterion_key,
        criteria_set,
        criteria_set_name,
        cast(criteria_set_first_year as {{ dbt.type_int() }}) as criteria_set_first_year,
        criterion_no,
        group_no,
        group_name_vi,
        group_name_en,
        criterion_name_vi,
        criterion_name_en
    from unioned

)

select * from final
