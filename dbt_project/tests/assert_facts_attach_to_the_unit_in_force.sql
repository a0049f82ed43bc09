{{ config(meta={'dagster': {'ref': {'name': 'dim_commune'}}}) }}
{#
    GSO codes are reused (01117 is Ngán Chiên up to 2019-12-31 and Trung Thịnh from 2025-03-01),
    so a fact must attach its workbook row to the unit of its code in force on the quarter's last
    day (code AND date), in the workbook's own district: returns every commune-level fact row
    whose dim_commune version has another code, does not cover the quarter's last day, or lies in
    another district or province. District-era rows only (workbook_kind 'district'): a commune
    workbook's unit (from 2025Q3) is a current unit of the 34-province map, not a GSO unit of
    the old one.
#}
with

facts as (

    select 'fct_commune_recognition' as fact, quarter, province_code, district_code, commune_code, commune_sk
    from {{ ref('fct_commune_recognition') }}
    where workbook_kind = 'district'
    union all
    select 'fct_commune_criterion_status', quarter, province_code, district_code, commune_code, commune_sk
    from {{ ref('fct_commune_criterion_status') }}
    where workbook_kind = 'district'
    union all
    select 'fct_commune_households', quarter, province_code, district_code, commune_code, commune_sk
    from {{ ref('fct_commune_households') }}
    where workbook_kind = 'district'
    union all
    select 'fct_funding', quarter, province_code, district_code, commune_code, commune_sk
    from {{ ref('fct_funding') }}
    where commune_code is not null and workbook_kind = 'district'

),

quarters as (

    select * from {{ ref('dim_quarter') }}

),

communes as (

    select * from {{ ref('dim_commune') }}

),

final as (

    select
        facts.*,
        communes.commune_code as unit_commune_code,
        communes.valid_from as unit_valid_from,
        communes.valid_to as unit_valid_to,
        communes.district_code as unit_district_code
    from facts
    inner join quarters
        on facts.quarter = quarters.quarter
    left join communes
        on facts.commune_sk = communes.commune_sk
    where facts.commune_sk is not null
        and (
            communes.commune_sk is null
            or communes.commune_code <> facts.commune_code
            or quarters.last_day not between communes.valid_from and communes.valid_to
            or communes.district_code <> facts.district_code
            or communes.province_code <> facts.province_code
        )

)

select * from final
