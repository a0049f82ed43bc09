with

source as (

    select * from {{ ref('ntm_criteria') }}

),

renamed as (

    select
        cast(criterion_no as {{ dbt.type_int() }}) as criterion_no,
        cast(group_no as {{ dbt.type_string() }}) as group_no,
        cast(group_name_vi as {{ dbt.type_string() }}) as group_name_vi,
        cast(group_name_en as {{ dbt.type_string() }}) as group_name_en,
        cast(name_vi_2016_2020 as {{ dbt.type_string() }}) as criterion_name_vi_2016_2020,
        cast(name_vi_2021_2025 as {{ dbt.type_string() }}) as criterion_name_vi_2021_2025,
        cast(name_en_2016_2020 as {{ dbt.type_string() }}) as criterion_name_en_2016_2020,
        cast(name_en_2021_2025 as {{ dbt.type_string() }}) as criterion_name_en_2021_2025

    from source

)

select * from renamed
