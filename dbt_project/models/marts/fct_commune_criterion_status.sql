{#
    One row per commune x criterion x quarter from the workbook version in force, both eras
    (int_criterion_status__current: a district workbook's TC columns up to 2025Q2, a commune
    workbook's criterion rows from 2025Q3): met or not, with the cell it was read from. Criterion
    numbers count within criteria_set (criteria_count 19 or 10): never compare them across sets.
#}
with

criterion_status as (

    select * from {{ ref('int_criterion_status__current') }}

),

communes_at_quarter_end as (

    select * from {{ ref('int_communes__quarterly') }}

),

final as (

    select
        criterion_status.quarter,
        criterion_status.commune_code,
        criterion_status.criterion_key,
        criterion_status.criteria_set,
        criterion_status.criterion_no,
        criterion_status.province_code,
        criterion_status.district_code,
        communes_at_quarter_end.commune_sk,
        criterion_status.is_met,
        criterion_status.workbook_sha256,
        criterion_status.sheet_name,
        criterion_status.excel_row,
        criterion_status.cell_ref,
        criterion_status.criteria_count,
        criterion_status.workbook_kind
    from criterion_status
    left join communes_at_quarter_end
        on criterion_status.commune_code = communes_at_quarter_end.commune_code
        and criterion_status.quarter = communes_at_quarter_end.quarter

)

select * from final
