{#
    Each province row of rpt_attainment equals the sum of its district rows (the reporting ones:
    a district without a report has null measures, and a province row where none reported has
    null measures too), its coverage counts its district rows (districts_expected) and those
    with a report (districts_reporting), and its ratios are recomputed from those totals (not
    averaged). District-era quarters with one criteria set (a quarter whose districts declared
    two sets has one province row per set: assert_rpt_attainment_never_blends_criteria_sets
    checks those). Returns the offending province rows.
#}
with

attainment as (

    select * from {{ ref('rpt_attainment') }}

),

single_set_quarters as (

    select quarter, province_code
    from attainment
    where district_code is null and reporter_level = 'district'
    group by quarter, province_code
    having count(*) = 1

),

district_rows as (

    select attainment.*
    from attainment
    inner join single_set_quarters
        on attainment.quarter = single_set_quarters.quarter
        and attainment.province_code = single_set_quarters.province_code
    where attainment.district_code is not null

),

province_rows as (

    select attainment.*
    from attainment
    inner join single_set_quarters
        on attainment.quarter = single_set_quarters.quarter
        and attainment.province_code = single_set_quarters.province_code
    where attainment.district_code is null

),

district_sums as (

    select
        quarter,
        province_code,
        count(*) as districts_expected,
        sum(case when has_report then 1 else 0 end) as districts_reporting,
        sum(case when has_report and xa_count is null then 1 else 0 end) as reporting_without_measures,
        sum(case when not has_report and xa_count is not null then 1 else 0 end)
            as measures_without_report,
        sum(xa_count) as xa_count,
        sum(ntm_communes) as ntm_communes,
        sum(advanced_ntm_communes) as advanced_ntm_communes,
        sum(model_ntm_communes) as model_ntm_communes,
        sum(communes_19) as communes_19,
        sum(communes_15_18) as communes_15_18,
        sum(communes_10_14) as communes_10_14,
        sum(communes_5_9) as communes_5_9,
        sum(communes_below_5) as communes_below_5,
        sum(border_xa_count) as border_xa_count,
        sum(border_ntm_communes) as border_ntm_communes,
        sum(difficult_xa_count) as difficult_xa_count,
        sum(difficult_ntm_communes) as difficult_ntm_communes
    from district_rows
    group by quarter, province_code

),

compared as (

    select
        province_rows.quarter,
        province_rows.province_code,
        district_sums.quarter is null as has_no_districts,
        province_rows.xa_count as province_xa_count,
        district_sums.xa_count as districts_xa_count
    from province_rows
    left join district_sums
        on province_rows.quarter = district_sums.quarter
        and province_rows.province_code = district_sums.province_code
    where district_sums.quarter is null
        or province_rows.districts_expected is distinct from district_sums.districts_expected
        or province_rows.districts_reporting is distinct from district_sums.districts_reporting
        or district_sums.reporting_without_measures > 0
        or district_sums.measures_without_report > 0
        or province_rows.xa_count is distinct from district_sums.xa_count
        or province_rows.advanced_ntm_communes is distinct from district_sums.advanced_ntm_communes
        or province_rows.model_ntm_communes is distinct from district_sums.model_ntm_communes
        or province_rows.ntm_communes is distinct from district_sums.ntm_communes
        or province_rows.communes_19 is distinct from district_sums.communes_19
        or province_rows.communes_15_18 is distinct from district_sums.communes_15_18
        or province_rows.communes_10_14 is distinct from district_sums.communes_10_14
        or province_rows.communes_5_9 is distinct from district_sums.communes_5_9
        or province_rows.communes_below_5 is distinct from district_sums.communes_below_5
        or province_rows.border_xa_count is distinct from district_sums.border_xa_count
        or province_rows.border_ntm_communes is distinct from district_sums.border_ntm_communes
        or province_rows.difficult_xa_count is distinct from district_sums.difficult_xa_count
        or province_rows.difficult_ntm_communes is distinct from district_sums.difficult_ntm_communes
        or (
            district_sums.xa_count > 0
            and abs(
                province_rows.ntm_share_pct
                - {{ ntm.round_double(
                    '100 * ' ~ ntm.safe_divide('district_sums.ntm_communes', 'district_sums.xa_count'),
                    2,
                ) }}
            ) > 0.001
        )

),

districts_without_province as (

    select
        district_sums.quarter,
        district_sums.province_code,
        false as has_no_districts,
        cast(null as {{ dbt.type_bigint() }}) as province_xa_count,
        district_sums.xa_count as districts_xa_count
    from district_sums
    left join province_rows
        on district_sums.quarter = province_rows.quarter
        and district_sums.province_code = province_rows.province_code
    where province_rows.quarter is null

),

final as (

    select * from compared
    union all
    select * from districts_without_province

)

select * from final
