{#
    Per criterion: how many xã of a district (and of the province: district_code null) met it on
    the quarter's last day. Denominators count xã only (never phường or thị trấn), exactly as
    rpt_attainment: a district is reported when it has an accepted workbook in force, with one
    row per criterion of the criteria set its workbook declared. Names come from that set; a
    province row whose districts declared different sets has criteria_set null and the names of
    the later set.
#}
with

source_workbooks as (

    select * from {{ ref('dim_source_workbook') }}

),

criterion_status as (

    select * from {{ ref('fct_commune_criterion_status') }}

),

communes as (

    select * from {{ ref('dim_commune') }}

),

criteria as (

    select * from {{ ref('dim_criterion') }}

),

reporting_districts as (

    select
        quarter,
        province_code,
        district_code,
        criteria_set
    from source_workbooks
    where is_current

),

xa_status as (

    select
        criterion_status.quarter,
        criterion_status.province_code,
        criterion_status.district_code,
        criterion_status.criterion_no,
        case when criterion_status.is_met then 1 else 0 end as is_met
    from criterion_status
    inner join communes
        on criterion_status.commune_sk = communes.commune_sk
    where communes.is_xa

),

district_totals as (

    select
        quarter,
        province_code,
        district_code,
        criterion_no,
        count(*) as xa_count,
        sum(is_met) as xa_meeting
    from xa_status
    group by quarter, province_code, district_code, criterion_no

),

district_rows as (

    select
        reporting_districts.quarter,
        reporting_districts.province_code,
        reporting_districts.district_code,
        criteria.criterion_no,
        criteria.criteria_set,
        criteria.criterion_key,
        criteria.group_no,
        criteria.criterion_name_vi,
        criteria.criterion_name_en,
        coalesce(district_totals.xa_count, 0) as xa_count,
        coalesce(district_totals.xa_meeting, 0) as xa_meeting
    from reporting_districts
    inner join criteria
        on reporting_districts.criteria_set = criteria.criteria_set
    left join district_totals
        on reporting_districts.quarter = district_totals.quarter
        and reporting_districts.province_code = district_totals.province_code
        and reporting_districts.district_code = district_totals.district_code
        and criteria.criterion_no = district_totals.criterion_no

),

province_sets as (

    select
        reporting_districts.quarter,
        reporting_districts.province_code,
        min(reporting_districts.criteria_set) as min_criteria_set,
        max(reporting_districts.criteria_set) as max_criteria_set,
        max(criteria.criteria_set_first_year) as latest_set_first_year
    from reporting_districts
    inner join criteria
        on reporting_districts.criteria_set = criteria.criteria_set
    group by reporting_districts.quarter, reporting_districts.province_code

),

province_totals as (

    select
        quarter,
        province_code,
        criterion_no,
        sum(xa_count) as xa_count,
        sum(xa_meeting) as xa_meeting
    from district_rows
    group by quarter, province_code, criterion_no

),

province_rows as (

    select
        province_totals.quarter,
        province_totals.province_code,
        cast(null as {{ dbt.type_string() }}) as district_code,
        province_totals.criterion_no,
        case
            when province_sets.min_criteria_set = province_sets.max_criteria_set
                then province_sets.min_criteria_set
        end as criteria_set,
        case
            when province_sets.min_criteria_set = province_sets.max_criteria_set
                then criteria.criterion_key
        end as criterion_key,
        criteria.group_no,
        criteria.criterion_name_vi,
        criteria.criterion_name_en,
        province_totals.xa_count,
        province_totals.xa_meeting
    from province_totals
    inner join province_sets
        on province_totals.quarter = province_sets.quarter
        and province_totals.province_code = province_sets.province_code
    left join criteria
        on province_sets.latest_set_first_year = criteria.criteria_set_first_year
        and province_totals.criterion_no = criteria.criterion_no

),

all_rows as (

    select * from district_rows
    union all
    select * from province_rows

),

final as (

    select
        cast(quarter as {{ dbt.type_string() }}) as quarter,
        cast(province_code as {{ dbt.type_string() }}) as province_code,
        cast(district_code as {{ dbt.type_string() }}) as district_code,
        cast(criterion_no as {{ dbt.type_int() }}) as criterion_no,
        cast(criteria_set as {{ dbt.type_string() }}) as criteria_set,
        cast(criterion_key as {{ dbt.type_string() }}) as criterion_key,
        cast(group_no as {{ dbt.type_string() }}) as group_no,
        cast(criterion_name_vi as {{ dbt.type_string() }}) as criterion_name_vi,
        cast(criterion_name_en as {{ dbt.type_string() }}) as criterion_name_en,
        cast(xa_count as {{ dbt.type_bigint() }}) as xa_count,
        cast(xa_meeting as {{ dbt.type_bigint() }}) as xa_meeting,
        {{ ntm.round_double('100 * ' ~ ntm.safe_divide('xa_meeting', 'xa_count'), 2) }}
            as share_pct
    from all_rows

)

select * from final
