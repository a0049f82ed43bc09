{#
    Every commune-level unit at every quarter of the spine, as the catalogue has it on the
    quarter's last day: a commune merged away stops appearing from the first quarter after it.
    Only provinces with at least one accepted workbook in force are expanded (the facts never
    need the others), which keeps a national catalogue from multiplying by every quarter.
#}
with

commune_versions as (

    select * from {{ ref('int_communes__versions') }}

),

quarters as (

    select * from {{ ref('int_quarters__spine') }}

),

reporting_provinces as (

    select distinct province_code
    from {{ ref('int_workbooks__current') }}

),

communes_at_quarter_end as (

    select
        quarters.quarter,
        quarters.last_day as quarter_last_day,
        commune_versions.commune_code,
        commune_versions.commune_sk,
        commune_versions.commune_type,
        commune_versions.is_xa,
        commune_versions.district_code,
        commune_versions.province_code,
        commune_versions.is_especially_difficult,
        commune_versions.is_border,
        commune_versions.is_in_30a_district
    from quarters
    inner join commune_versions
        on quarters.last_day between commune_versions.valid_from and commune_versions.valid_to
    inner join reporting_provinces
        on commune_versions.province_code = reporting_provinces.province_code

),

final as (

    select * from communes_at_quarter_end

)

select * from final
