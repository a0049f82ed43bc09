{#
    Effective-dated districts (see int_districts__versions): a district belongs to a province and
    is (or is not) a Programme 30a poor district for a period. Look up at a date d with
    d between valid_from and valid_to.
#}
with

district_versions as (

    select * from {{ ref('int_districts__versions') }}

),

final as (

    select * from district_versions

)

select * from final
