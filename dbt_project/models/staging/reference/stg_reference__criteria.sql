with

source as (

    select * from {{ ref('criteria') }}

),

renamed as (

    select
        cast(criteria_set as {{ dbt.type_string() }}) as criteria_set,
        cast(criterion_no as {{ dbt.type_int() }}) as criterion_no,
        cast(group_no as {{ dbt.type_string() }}) as group_no,
        cast(group_name_vi as {{ dbt.type_string() }}) as group_name_vi,
        cast(group_name_en as {{ dbt.type_string() }}) as group_name_en,
        cast(criterion_name_vi as {{ dbt.type_string() }}) as criterion_name_vi,
        cast(criterion_name_en as {{ dbt.type_string() }}) as criterion_name_en

    from source

)

select * from renamed
