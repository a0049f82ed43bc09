with

source as (

    select * from {{ ref('published_figures') }}

),

renamed as (

    select
        cast(scope as {{ dbt.type_string() }}) as scope,
        cast(area_code as {{ dbt.type_string() }}) as area_code,
        cast(as_of as date) as as_of,
        cast(measure as {{ dbt.type_string() }}) as measure,
        {{ ntm.safe_cast('value', ntm.type_double()) }} as measure_value,
        cast(unit as {{ dbt.type_string() }}) as unit,
        cast(source as {{ dbt.type_string() }}) as source_note,
        cast(note as {{ dbt.type_string() }}) as note

    from source

)

select * from renamed
