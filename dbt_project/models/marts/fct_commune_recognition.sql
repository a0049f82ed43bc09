{#
    One row per commune x quarter from the workbook version in force: how many criteria it met
    (computed from the TC columns, and as the workbook reported it) and its NTM recognition.
    ntm_level 'none' = not recognised (a blank Mức độ cell). Recognition and attainment are separate facts: a recognised
    commune can later fall below a criterion.
#}
with

criteria_rows as (

    select * from {{ ref('int_criteria_rows__current') }}

),

communes_at_quarter_end as (

    select * from {{ ref('int_communes__quarterly') }}

),

joined as (

    select
        criteria_rows.quarter,
        criteria_rows.commune_code,
        criteria_rows.province_code,
        criteria_rows.district_code,
        communes_at_quarter_end.commune_sk,
        criteria_rows.criteria_set,
        criteria_rows.criteria_met,
        criteria_rows.criteria_met_reported,
        criteria_rows.ntm_level,
        criteria_rows.recognition_year,
        criteria_rows.workbook_sha256,
        criteria_rows.file_name,
        criteria_rows.sheet_name,
        criteria_rows.excel_row
    from criteria_rows
    left join communes_at_quarter_end
        on criteria_rows.commune_code = communes_at_quarter_end.commune_code
        and criteria_rows.quarter = communes_at_quarter_end.quarter

),

final as (

    select
        quarter,
        commune_code,
        province_code,
        district_code,
        commune_sk,
        criteria_set,
        cast(criteria_met as {{ dbt.type_int() }}) as criteria_met,
        criteria_met_reported,
        {{ ntm.criteria_band('criteria_met') }} as criteria_band,
        coalesce(ntm_level, 'none') as ntm_level,
        ntm_level is not null as is_ntm_recognised,
        recognition_year,
        workbook_sha256,
        file_name,
        sheet_name,
        excel_row
    from joined

)

select * from final
