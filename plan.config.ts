/**
 * The plan configuration of Plan Monitor — the ONE file an admin edits.
 * 计划监控配置文件：管理员只需修改此文件。
 *
 * It models the company's annual work plan (电商年度工作规划): the calendar, the dimensions the
 * plan is sliced by, the KPI catalogue (核心指标矩阵), how targets are phased over the year,
 * and the scheduled reports with their recipients.
 *
 * How to change it 如何修改:
 *   1. Edit this file. Ids (`gmv`, `tmall`, `weekly-progress`) are what uploads, schedules and
 *      archived reports refer to — add new ids freely, but renaming one orphans its history.
 *   2. Check it: `npx tsx plan.config.ts` (prints nothing when valid), `npm test` or
 *      `npx cdk synth`. A mistake — a report naming an unknown KPI, a bad cron, a recipient
 *      outside the company domain — fails with a message naming the exact path and the fix,
 *      e.g. `reports[0].kpis[2]: … Did you mean "gmv"?`.
 *   3. Deploy: `npx cdk deploy`. Schedules, recipients and KPI definitions change on deploy.
 *
 * Conventions: percentages are fractions (3.2 % = 0.032); money is CNY unless a KPI says
 * otherwise; `aliases` are other names uploaders write in file headers and cells — list
 * English, simplified Chinese AND traditional Chinese spellings (Excel set to zh-TW/zh-HK
 * exports 繁體). Matching ignores case, spaces, `_`, `-` and full-width letters.
 */
import { defineConfig } from './shared/config/define-config.ts';

export default defineConfig({
  /** Shown in every report's About sheet: bump it whenever you change this file. 每次修改请更新版本号。 */
  version: '2026.11.1',
  company: { en: 'Example Shop', zh: '示例商城' },

  // ── Calendar 日历 ────────────────────────────────────────────────────────────────────────
  calendar: {
    /** Every date in uploads and reports is a local date here. 业务时区。 */
    timeZone: 'Asia/Shanghai',
    /** 1 = fiscal year is the calendar year. Use 4 for an April–March year (FY2027 = Apr 2026 – Mar 2027). */
    fiscalYearStartMonth: 1,
    /** Years uploads may hold dates in; add the next year before its budget is uploaded. */
    fiscalYears: ['FY2026', 'FY2027'],
    /**
     * A KPI is "stale" when its data ends more than this many days before the report date.
     * 1 because the Monday report runs before some Sunday figures arrive from ERP/CRM.
     */
    graceDays: 1,
  },

  // ── Owners 负责团队 (KPI owners; scorecards can be cut by owner) ─────────────────────────
  owners: [
    { id: 'operations', name: { en: 'Operations', zh: '运营' } },
    { id: 'marketing', name: { en: 'Marketing', zh: '市场营销' } },
    { id: 'technology', name: { en: 'Technology', zh: '技术' } },
    { id: 'customer_service', name: { en: 'Customer service', zh: '客服' } },
    { id: 'supply_chain', name: { en: 'Supply chain', zh: '供应链' } },
  ],

  // ── Dimensions 维度 ──────────────────────────────────────────────────────────────────────
  // `aliases` of a dimension are column headers; `aliases` of a value are cell spellings.
  // A name may point to one dimension (or one value) only — the check rejects ambiguous ones.
  dimensions: [
    {
      id: 'channel',
      name: { en: 'Channel', zh: '渠道' },
      aliases: ['Sales channel', 'Platform', '销售渠道', '銷售渠道', '渠道名称', '渠道名稱', '平台', '通路'],
      values: [
        {
          id: 'self_operated',
          name: { en: 'Own site & app', zh: '自营' },
          aliases: [
            'Self-operated',
            'Own site',
            'Official site',
            'App',
            '自營',
            '官网',
            '官網',
            '官方商城',
            '自营APP',
          ],
        },
        {
          id: 'tmall',
          name: { en: 'Tmall', zh: '天猫' },
          aliases: ['天貓', '天猫旗舰店', '天貓旗艦店', 'Tmall flagship'],
        },
        { id: 'jd', name: { en: 'JD.com', zh: '京东' }, aliases: ['JD', '京東', '京东旗舰店', '京東旗艦店'] },
        {
          id: 'pinduoduo',
          name: { en: 'Pinduoduo', zh: '拼多多' },
          aliases: ['PDD', '拼多多旗舰店', '拼多多旗艦店'],
        },
        {
          id: 'douyin_live',
          name: { en: 'Douyin live commerce', zh: '抖音直播' },
          aliases: ['Douyin', 'Douyin Live', 'Live-stream', '抖音', '直播带货', '直播帶貨', '抖音小店'],
        },
        {
          id: 'wechat_mini',
          name: { en: 'WeChat mini-program', zh: '微信小程序' },
          aliases: ['WeChat', 'Mini program', '小程序', '微信小程式', '小程式'],
        },
      ],
    },
    {
      id: 'category',
      name: { en: 'Category', zh: '品类' },
      aliases: ['Product category', '品類', '类目', '類目', '商品类目', '商品類目', '品类名称', '品類名稱'],
      values: [
        {
          id: 'maternal_baby',
          name: { en: 'Maternal & baby', zh: '母婴' },
          aliases: ['Mother & baby', 'Baby', '母嬰', '母婴用品', '母嬰用品'],
        },
        {
          id: 'pets',
          name: { en: 'Pets', zh: '宠物' },
          aliases: ['Pet', 'Pet supplies', '寵物', '宠物用品', '寵物用品'],
        },
        {
          id: 'health_food',
          name: { en: 'Health food', zh: '健康食品' },
          aliases: ['Health', '保健食品', '营养保健', '營養保健'],
        },
        {
          id: 'home_appliances',
          name: { en: 'Home appliances', zh: '家电' },
          aliases: ['Appliances', '家電', '家用电器', '家用電器'],
        },
        {
          id: 'home_furnishing',
          name: { en: 'Home furnishing', zh: '家居' },
          aliases: ['Home', 'Furniture', '家居用品', '家具'],
        },
        {
          id: 'apparel',
          name: { en: 'Apparel', zh: '服饰' },
          aliases: ['Clothing', 'Fashion', '服飾', '服装', '服裝'],
        },
        {
          id: 'beauty',
          name: { en: 'Beauty & personal care', zh: '美妆个护' },
          aliases: ['Beauty', 'Cosmetics', '美妆', '美妝', '美妝個護'],
        },
      ],
    },
    {
      id: 'region_tier',
      name: { en: 'Region tier', zh: '区域层级' },
      aliases: [
        'Region',
        'City tier',
        '区域',
        '區域',
        '區域層級',
        '城市层级',
        '城市層級',
        '城市等级',
        '城市等級',
      ],
      values: [
        {
          id: 'tier_1_2',
          name: { en: 'Tier-1/2 cities', zh: '一二线城市' },
          aliases: ['Tier 1-2', 'T1-2', '一二线', '一二線', '一二線城市', '一线城市', '二线城市'],
        },
        {
          id: 'tier_3_4',
          name: { en: 'Tier-3/4 cities', zh: '三四线城市' },
          aliases: ['Tier 3-4', 'T3-4', '三四线', '三四線', '三四線城市', '下沉市场', '下沉市場'],
        },
        {
          id: 'towns',
          name: { en: 'Towns & villages', zh: '乡镇' },
          aliases: ['Towns', 'Rural', '鄉鎮', '县乡', '縣鄉', '农村', '農村'],
        },
      ],
    },
    {
      id: 'user_segment',
      name: { en: 'User segment', zh: '用户分层' },
      aliases: [
        'Segment',
        'Customer segment',
        '用戶分層',
        '用户层级',
        '用戶層級',
        '客群',
        '用户类型',
        '用戶類型',
      ],
      values: [
        {
          id: 'new_user',
          name: { en: 'New users', zh: '新用户' },
          aliases: ['New', 'New customer', '新用戶', '新客', '首购用户', '首購用戶'],
        },
        {
          id: 'existing_user',
          name: { en: 'Existing users', zh: '老用户' },
          aliases: ['Existing', 'Returning', '老用戶', '老客', '复购用户', '復購用戶'],
        },
        {
          id: 'member',
          name: { en: 'Members', zh: '会员' },
          aliases: ['Member', 'VIP', '會員', '会员用户', '會員用戶', '付费会员', '付費會員'],
        },
      ],
    },
    {
      id: 'supplier',
      name: { en: 'Supplier', zh: '供应商' },
      // ERP exports name suppliers by code as often as by name: both are aliases.
      aliases: ['Vendor', 'Supplier name', '供應商', '供应商名称', '供應商名稱', '供应商编码', '供應商編碼'],
      values: [
        {
          id: 'anxin_baby',
          name: { en: 'Anxin Baby Products', zh: '安心母婴用品' },
          aliases: ['SUP-001', '安心母嬰用品', '安心母婴'],
        },
        {
          id: 'lechong_pet',
          name: { en: 'LeChong Pet Food', zh: '乐宠宠物食品' },
          aliases: ['SUP-002', '樂寵寵物食品', '乐宠'],
        },
        {
          id: 'lvye_health',
          name: { en: 'Lvye Health Foods', zh: '绿野健康食品' },
          aliases: ['SUP-003', '綠野健康食品', '绿野'],
        },
        {
          id: 'jiahe_appliance',
          name: { en: 'Jiahe Appliances', zh: '佳和电器' },
          aliases: ['SUP-004', '佳和電器', '佳和'],
        },
        { id: 'mumu_home', name: { en: 'Mumu Home', zh: '木木家居' }, aliases: ['SUP-005', '木木'] },
        {
          id: 'yunshang_apparel',
          name: { en: 'Yunshang Apparel', zh: '云裳服饰' },
          aliases: ['SUP-006', '雲裳服飾', '云裳'],
        },
      ],
    },
    {
      // For team scorecards (员工考核): figures uploaded per team, e.g. customer-service response times.
      id: 'team',
      name: { en: 'Team', zh: '团队' },
      aliases: ['Department', '團隊', '部门', '部門'],
      values: [
        {
          id: 'operations',
          name: { en: 'Operations', zh: '运营' },
          aliases: ['Ops', '運營', '运营部', '運營部'],
        },
        {
          id: 'marketing',
          name: { en: 'Marketing', zh: '市场营销' },
          aliases: ['市場營銷', '市场部', '市場部'],
        },
        {
          id: 'technology',
          name: { en: 'Technology', zh: '技术' },
          aliases: ['Tech', 'IT', '技術', '技术部', '技術部'],
        },
        {
          id: 'customer_service',
          name: { en: 'Customer service', zh: '客服' },
          aliases: ['CS', '客服部', '客户服务', '客戶服務'],
        },
        {
          id: 'supply_chain',
          name: { en: 'Supply chain', zh: '供应链' },
          aliases: ['SCM', 'Logistics', '供應鏈', '物流'],
        },
      ],
    },
  ],

  // ── Phasing profiles 目标分解曲线 ─────────────────────────────────────────────────────────
  // How a quarterly or annual target is spread over its days. `months`: share of each month
  // (1 = January; missing months weigh 1). `days` ('MM-DD'): how much heavier a day is than
  // the other days of ITS OWN month (missing days weigh 1). `calendar_days` (every day equal)
  // is built in and is the default.
  phasing: [
    {
      // Month shares only: a quarterly/annual target leans towards 618 (June) and Double 11
      // (November) and the December year-end sale; February is light (Spring Festival
      // logistics pause). Monthly targets are spread evenly over their days, because finance
      // already sets them per month with the promotion in mind.
      id: 'promo_peaks',
      name: { en: 'Promotion months (618, Double 11)', zh: '大促月份加权（618、双十一）' },
      months: { 1: 0.9, 2: 0.7, 3: 0.9, 5: 1.1, 6: 1.4, 9: 1.1, 10: 1.1, 11: 1.7, 12: 1.3 },
    },
    {
      // Month shares plus the promotion days themselves: for KPIs whose targets are set per
      // quarter or month but whose sales concentrate on the event days (presale opening,
      // 618, Double 11, Double 12).
      id: 'promo_days',
      name: { en: 'Promotion days (618, Double 11, Double 12)', zh: '大促日加权（618、双十一、双十二）' },
      months: { 1: 0.9, 2: 0.7, 3: 0.9, 5: 1.1, 6: 1.4, 9: 1.1, 10: 1.1, 11: 1.7, 12: 1.3 },
      days: {
        '06-01': 2,
        '06-16': 1.5,
        '06-17': 2,
        '06-18': 5,
        '10-31': 2,
        '11-01': 2,
        '11-10': 2.5,
        '11-11': 8,
        '12-12': 3,
      },
    },
  ],

  // ── Target versions 目标版本 ─────────────────────────────────────────────────────────────
  // Re-forecasts are uploaded as a new version; the budget is never edited.
  targetVersions: [
    {
      id: 'budget',
      name: { en: 'Budget', zh: '预算' },
      description: 'Annual plan approved at the start of the year',
    },
    {
      id: 'reforecast',
      name: { en: 'Re-forecast', zh: '滚动预测' },
      description: 'Latest quarterly re-forecast',
    },
  ],

  // ── KPI catalogue 核心指标矩阵 ──────────────────────────────────────────────────────────
  // aggregation: `sum` adds up over days and dimensions; `ratio` = numerator ÷ denominator,
  //   recomputed from the summed components (upload the components, never the ratio);
  //   `snapshot` is non-additive (repurchase rate, NPS): a value only holds for the exact
  //   period and dimension values it was reported for.
  // direction: higher_is_better | lower_is_better | closer_is_better (budgets: over- and
  //   under-spend both count).
  // tolerance: shortfall (fraction of target) at which a KPI turns at_risk / off_track;
  //   default { atRisk: 0.02, offTrack: 0.10 }.
  // weight: scorecard weight (default 1). benchmark: industry value shown beside the KPI (行业基准值).
  kpis: [
    // Sales 销售业绩
    {
      id: 'gmv',
      name: { en: 'GMV', zh: '成交额' },
      unit: 'currency',
      currency: 'CNY',
      aggregation: 'sum',
      direction: 'higher_is_better',
      weight: 3,
      phasing: 'promo_peaks',
      owner: 'operations',
      aliases: [
        'Gross merchandise value',
        'Sales',
        'Revenue',
        '成交額',
        '销售额',
        '銷售額',
        '商品交易总额',
        '商品交易總額',
        '成交金额',
        '成交金額',
      ],
    },
    {
      id: 'orders',
      name: { en: 'Orders', zh: '订单数' },
      unit: 'count',
      aggregation: 'sum',
      direction: 'higher_is_better',
      phasing: 'promo_peaks',
      owner: 'operations',
      aliases: ['Order count', 'Paid orders', '訂單數', '订单量', '訂單量', '支付订单数', '支付訂單數'],
    },
    {
      id: 'sessions',
      name: { en: 'Sessions', zh: '访问次数' },
      unit: 'count',
      aggregation: 'sum',
      direction: 'higher_is_better',
      phasing: 'promo_peaks',
      owner: 'marketing',
      aliases: ['Visits', 'Traffic', '訪問次數', '访问量', '訪問量', '流量', '访客数', '訪客數'],
    },
    {
      id: 'conversion_rate',
      name: { en: 'Conversion rate', zh: '转化率' },
      unit: 'percent',
      aggregation: 'ratio',
      numerator: 'orders',
      denominator: 'sessions',
      direction: 'higher_is_better',
      weight: 2,
      benchmark: 0.028,
      owner: 'operations',
      aliases: ['CVR', 'Conversion', '轉化率', '支付转化率', '支付轉化率'],
    },
    {
      id: 'aov',
      name: { en: 'Average order value', zh: '客单价' },
      unit: 'currency',
      currency: 'CNY',
      aggregation: 'ratio',
      numerator: 'gmv',
      denominator: 'orders',
      direction: 'higher_is_better',
      benchmark: 185,
      owner: 'operations',
      aliases: ['AOV', 'Basket size', '客單價', '平均订单金额', '平均訂單金額'],
    },
    {
      id: 'high_margin_gmv',
      name: { en: 'High-margin GMV', zh: '高毛利商品成交额' },
      unit: 'currency',
      currency: 'CNY',
      aggregation: 'sum',
      direction: 'higher_is_better',
      phasing: 'promo_days',
      owner: 'operations',
      aliases: ['High margin GMV', '高毛利商品成交額', '高毛利GMV', '高毛利销售额', '高毛利銷售額'],
    },
    {
      id: 'high_margin_share',
      name: { en: 'High-margin share of GMV', zh: '高毛利商品占比' },
      unit: 'percent',
      aggregation: 'ratio',
      numerator: 'high_margin_gmv',
      denominator: 'gmv',
      direction: 'higher_is_better',
      benchmark: 0.35,
      owner: 'operations',
      aliases: ['High margin share', '高毛利商品佔比', '高毛利占比', '高毛利佔比'],
    },

    // Returns 退货
    {
      id: 'returned_orders',
      name: { en: 'Returned orders', zh: '退货订单数' },
      unit: 'count',
      aggregation: 'sum',
      direction: 'lower_is_better',
      owner: 'supply_chain',
      aliases: ['Returns', '退貨訂單數', '退货单数', '退貨單數', '退货量', '退貨量'],
    },
    {
      id: 'return_rate',
      name: { en: 'Return rate', zh: '退货率' },
      unit: 'percent',
      aggregation: 'ratio',
      numerator: 'returned_orders',
      denominator: 'orders',
      direction: 'lower_is_better',
      benchmark: 0.06,
      owner: 'supply_chain',
      aliases: ['Returns rate', 'Refund rate', '退貨率', '退款率'],
    },

    // Users 用户
    {
      id: 'new_users',
      name: { en: 'New buyers', zh: '新增用户' },
      unit: 'count',
      aggregation: 'sum',
      direction: 'higher_is_better',
      owner: 'marketing',
      aliases: [
        'New users',
        'New customers',
        '新用户数',
        '新用戶數',
        '新增用戶',
        '新客数',
        '新客數',
        '拉新人数',
        '拉新人數',
      ],
    },
    {
      // Distinct repeat buyers ÷ buyers: NOT additive across periods, so a snapshot.
      id: 'repurchase_rate',
      name: { en: 'Repurchase rate', zh: '复购率' },
      unit: 'percent',
      aggregation: 'snapshot',
      direction: 'higher_is_better',
      weight: 2,
      benchmark: 0.28,
      owner: 'marketing',
      aliases: ['Repeat purchase rate', 'Repeat rate', '復購率', '老用户复购率', '老用戶復購率'],
    },

    // Brand 品牌
    {
      id: 'positive_review_share',
      name: { en: 'Positive review share', zh: '好评率' },
      unit: 'percent',
      aggregation: 'snapshot',
      direction: 'higher_is_better',
      tolerance: { atRisk: 0.01, offTrack: 0.03 },
      benchmark: 0.96,
      owner: 'customer_service',
      aliases: ['Positive reviews', 'Review score', '好評率', '好评占比', '好評佔比'],
    },
    {
      id: 'nps',
      name: { en: 'Net promoter score', zh: '净推荐值' },
      unit: 'number',
      aggregation: 'snapshot',
      direction: 'higher_is_better',
      tolerance: { atRisk: 0.05, offTrack: 0.15 },
      benchmark: 32,
      owner: 'marketing',
      aliases: ['NPS', '淨推薦值', '净推荐值NPS'],
    },

    // Budgets 预算 (closer is better: overspend and underspend both count)
    {
      id: 'marketing_spend',
      name: { en: 'Marketing spend', zh: '营销费用' },
      unit: 'currency',
      currency: 'CNY',
      aggregation: 'sum',
      direction: 'closer_is_better',
      tolerance: { atRisk: 0.05, offTrack: 0.15 },
      owner: 'marketing',
      aliases: [
        'Marketing cost',
        'Ad spend',
        '營銷費用',
        '营销支出',
        '營銷支出',
        '推广费用',
        '推廣費用',
        '广告费',
        '廣告費',
      ],
    },
    {
      id: 'supply_chain_spend',
      name: { en: 'Supply-chain spend', zh: '供应链费用' },
      unit: 'currency',
      currency: 'CNY',
      aggregation: 'sum',
      direction: 'closer_is_better',
      tolerance: { atRisk: 0.03, offTrack: 0.1 },
      owner: 'supply_chain',
      aliases: [
        'Supply chain cost',
        'Fulfilment cost',
        '供應鏈費用',
        '物流费用',
        '物流費用',
        '履约成本',
        '履約成本',
      ],
    },
    {
      id: 'tech_spend',
      name: { en: 'Technology spend', zh: '技术投入' },
      unit: 'currency',
      currency: 'CNY',
      aggregation: 'sum',
      direction: 'closer_is_better',
      tolerance: { atRisk: 0.05, offTrack: 0.15 },
      owner: 'technology',
      aliases: ['Tech spend', 'IT spend', '技術投入', '技术费用', '技術費用', 'IT费用', 'IT費用'],
    },

    // Fulfilment 履约 (supplier grading 供应商分级评估)
    {
      id: 'shipped_orders',
      name: { en: 'Shipped orders', zh: '发货订单数' },
      unit: 'count',
      aggregation: 'sum',
      direction: 'higher_is_better',
      owner: 'supply_chain',
      aliases: ['Shipments', '發貨訂單數', '发货量', '發貨量', '已发货订单', '已發貨訂單'],
    },
    {
      id: 'on_time_orders',
      name: { en: 'Orders shipped on time', zh: '准时履约订单数' },
      unit: 'count',
      aggregation: 'sum',
      direction: 'higher_is_better',
      owner: 'supply_chain',
      aliases: ['On-time orders', 'On time shipments', '準時履約訂單數', '准时发货订单', '準時發貨訂單'],
    },
    {
      id: 'on_time_fulfilment_rate',
      name: { en: 'On-time fulfilment rate', zh: '履约准时率' },
      unit: 'percent',
      aggregation: 'ratio',
      numerator: 'on_time_orders',
      denominator: 'shipped_orders',
      direction: 'higher_is_better',
      weight: 2,
      tolerance: { atRisk: 0.01, offTrack: 0.05 },
      benchmark: 0.95,
      // Never more orders on time than shipped: a rate above 100 % is a data error.
      bounds: { min: 0, max: 1 },
      owner: 'supply_chain',
      aliases: [
        'OTIF',
        'On-time rate',
        'On time delivery rate',
        '履約準時率',
        '准时率',
        '準時率',
        '准时发货率',
        '準時發貨率',
      ],
    },

    // Service & technology 客服与技术 (team scorecards 员工考核)
    {
      id: 'cs_response_minutes',
      name: { en: 'Customer-service response time', zh: '客服响应时长' },
      unit: 'minutes',
      aggregation: 'snapshot',
      direction: 'lower_is_better',
      tolerance: { atRisk: 0.1, offTrack: 0.25 },
      benchmark: 1.5,
      owner: 'customer_service',
      aliases: [
        'CS response time',
        'First response time',
        '客服響應時長',
        '客服响应时效',
        '客服響應時效',
        '首响时长',
        '首響時長',
      ],
    },
    {
      // Reported by marketing's attribution tool per campaign month: not additive.
      id: 'campaign_roi',
      name: { en: 'Campaign ROI', zh: '活动ROI' },
      unit: 'number',
      aggregation: 'snapshot',
      direction: 'higher_is_better',
      tolerance: { atRisk: 0.05, offTrack: 0.2 },
      benchmark: 3,
      owner: 'marketing',
      aliases: ['ROI', 'Marketing ROI', '活動ROI', '投资回报率', '投資回報率', '投产比', '投產比'],
    },
    {
      id: 'system_availability',
      name: { en: 'System availability', zh: '系统可用率' },
      unit: 'percent',
      aggregation: 'snapshot',
      direction: 'higher_is_better',
      tolerance: { atRisk: 0.0005, offTrack: 0.002 },
      benchmark: 0.999,
      owner: 'technology',
      aliases: ['Uptime', 'Availability', '系統可用率', '可用率', '系统稳定性', '系統穩定性'],
    },
  ],

  // ── Reports 报表 ─────────────────────────────────────────────────────────────────────────
  // schedule.cron is an EventBridge Scheduler expression in the report's time zone:
  //   cron(minutes hours day-of-month month day-of-week year) — exactly one of day-of-month /
  //   day-of-week is "?"; weekdays are SUN–SAT. Examples: cron(0 9 ? * MON *) = Mondays 09:00;
  //   cron(0 9 1 * ? *) = the 1st of every month 09:00.
  // asOfRule: which date the report is "as of" when it fires: last_complete_week (the Sunday
  //   before), last_complete_month, last_complete_quarter, or previous_day.
  // ranges: WTD, MTD, QTD, YTD, LAST_WEEK, LAST_MONTH, LAST_QUARTER (each a column group).
  // lead (optional): the ranges the report opens with for its headline KPI, each beside the
  //   period before and last year; default by asOfRule (weekly: LAST_WEEK, MTD, YTD).
  // recipients: everyone must be @example-shop.com (email.allowedDomains). A `scope` such as
  //   { category: 'pets' } sends that person a copy restricted to those dimension values;
  //   recipients with the same scope share one copy.
  // whenNoNewData: 'send' | 'note' (a short "no new figures" email) | 'skip'.
  reports: [
    {
      id: 'weekly-progress',
      name: { en: 'Weekly progress variance', zh: '每周进度偏差分析' },
      description:
        'Execution monitoring: plan vs actual every Monday for the week just ended (每周同步进度偏差分析报告).',
      schedule: { cron: 'cron(0 9 ? * MON *)', timeZone: 'Asia/Shanghai' },
      asOfRule: 'last_complete_week',
      ranges: ['WTD', 'MTD', 'QTD', 'YTD'],
      kpis: [
        'gmv',
        'orders',
        'sessions',
        'conversion_rate',
        'aov',
        'returned_orders',
        'return_rate',
        'new_users',
        'repurchase_rate',
        'marketing_spend',
        'high_margin_share',
      ],
      breakdowns: ['channel', 'category', 'region_tier'],
      breakdownRange: 'MTD',
      trend: 'week',
      headline: { kpi: 'gmv', range: 'MTD' },
      scorecard: { range: 'MTD', kpis: ['gmv', 'conversion_rate', 'aov', 'return_rate'] },
      includeMilestones: true,
      language: 'zh',
      targetVersion: 'budget',
      whenNoNewData: 'note',
      recipients: [
        { email: 'ceo@example-shop.com', name: '王总 (CEO)' },
        { email: 'coo@example-shop.com', name: '李总 (COO)' },
        { email: 'ops-lead@example-shop.com', name: '运营负责人 Operations lead' },
        { email: 'marketing-lead@example-shop.com', name: '市场负责人 Marketing lead' },
        { email: 'fpa@example-shop.com', name: '财务计划分析 FP&A' },
      ],
    },
    {
      id: 'monthly-business-review',
      name: { en: 'Monthly business review', zh: '月度经营分析' },
      description:
        'The month just ended against budget and the latest re-forecast, with the year-end outlook.',
      schedule: { cron: 'cron(0 9 1 * ? *)', timeZone: 'Asia/Shanghai' },
      asOfRule: 'last_complete_month',
      ranges: ['MTD', 'QTD', 'YTD'],
      kpis: [
        'gmv',
        'orders',
        'conversion_rate',
        'aov',
        'high_margin_share',
        'return_rate',
        'new_users',
        'repurchase_rate',
        'positive_review_share',
        'nps',
        'marketing_spend',
        'supply_chain_spend',
        'tech_spend',
        'on_time_fulfilment_rate',
      ],
      breakdowns: ['channel', 'category', 'region_tier', 'user_segment'],
      trend: 'month',
      headline: { kpi: 'gmv', range: 'MTD' },
      scorecard: { range: 'MTD' },
      language: 'zh',
      targetVersion: 'budget',
      compareVersion: 'reforecast',
      recipients: [
        { email: 'ceo@example-shop.com', name: '王总 (CEO)' },
        { email: 'coo@example-shop.com', name: '李总 (COO)' },
        { email: 'cfo@example-shop.com', name: '赵总 (CFO)' },
        { email: 'ops-lead@example-shop.com', name: '运营负责人 Operations lead' },
        { email: 'marketing-lead@example-shop.com', name: '市场负责人 Marketing lead' },
        { email: 'supply-chain-lead@example-shop.com', name: '供应链负责人 Supply-chain lead' },
        { email: 'fpa@example-shop.com', name: '财务计划分析 FP&A' },
      ],
    },
    {
      id: 'quarterly-review',
      name: { en: 'Quarterly review', zh: '季度复盘' },
      description: 'Quarter close: every KPI, team scorecards and milestones for management and team leads.',
      // 10:00 on the 2nd day of each fiscal quarter (Jan/Apr/Jul/Oct with fiscalYearStartMonth 1),
      // one day later than the monthly review so late month-end uploads are in.
      schedule: { cron: 'cron(0 10 2 1,4,7,10 ? *)', timeZone: 'Asia/Shanghai' },
      asOfRule: 'last_complete_quarter',
      ranges: ['QTD', 'YTD'],
      kpis: [
        'gmv',
        'orders',
        'conversion_rate',
        'aov',
        'high_margin_share',
        'return_rate',
        'new_users',
        'repurchase_rate',
        'positive_review_share',
        'nps',
        'campaign_roi',
        'marketing_spend',
        'supply_chain_spend',
        'tech_spend',
        'on_time_fulfilment_rate',
        'cs_response_minutes',
        'system_availability',
      ],
      breakdowns: ['channel', 'category', 'region_tier', 'user_segment'],
      trend: 'month',
      headline: { kpi: 'gmv', range: 'QTD' },
      scorecard: { range: 'QTD' },
      language: 'zh',
      targetVersion: 'budget',
      compareVersion: 'reforecast',
      recipients: [
        { email: 'ceo@example-shop.com', name: '王总 (CEO)' },
        { email: 'coo@example-shop.com', name: '李总 (COO)' },
        { email: 'cfo@example-shop.com', name: '赵总 (CFO)' },
        { email: 'ops-lead@example-shop.com', name: '运营负责人 Operations lead' },
        { email: 'marketing-lead@example-shop.com', name: '市场负责人 Marketing lead' },
        { email: 'cto@example-shop.com', name: '技术负责人 CTO' },
        { email: 'cs-lead@example-shop.com', name: '客服负责人 Customer-service lead' },
        { email: 'supply-chain-lead@example-shop.com', name: '供应链负责人 Supply-chain lead' },
      ],
    },
    {
      id: 'category-weekly',
      name: { en: 'Category weekly', zh: '品类周报' },
      description: 'One copy per category manager, restricted to their category.',
      // 09:30 so it does not queue behind the weekly progress report.
      schedule: { cron: 'cron(30 9 ? * MON *)', timeZone: 'Asia/Shanghai' },
      asOfRule: 'last_complete_week',
      ranges: ['WTD', 'MTD', 'YTD'],
      kpis: [
        'gmv',
        'orders',
        'conversion_rate',
        'aov',
        'high_margin_share',
        'returned_orders',
        'return_rate',
      ],
      breakdowns: ['channel', 'region_tier', 'user_segment'],
      breakdownRange: 'MTD',
      trend: 'week',
      headline: { kpi: 'gmv', range: 'WTD' },
      scorecard: { range: 'MTD', kpis: ['gmv', 'conversion_rate', 'aov', 'return_rate'] },
      // Milestones are company-wide, not per category.
      includeMilestones: false,
      language: 'zh',
      whenNoNewData: 'skip',
      recipients: [
        {
          email: 'maternal-baby-manager@example-shop.com',
          name: '母婴品类经理',
          scope: { category: 'maternal_baby' },
        },
        { email: 'pets-manager@example-shop.com', name: '宠物品类经理', scope: { category: 'pets' } },
        {
          email: 'health-food-manager@example-shop.com',
          name: '健康食品品类经理',
          scope: { category: 'health_food' },
        },
        // One manager runs the home appliances + home furnishing pair (家电+家居): two copies.
        {
          email: 'home-manager@example-shop.com',
          name: '家电家居品类经理',
          scope: { category: 'home_appliances' },
        },
        {
          email: 'home-manager@example-shop.com',
          name: '家电家居品类经理',
          scope: { category: 'home_furnishing' },
        },
        { email: 'apparel-manager@example-shop.com', name: '服饰品类经理', scope: { category: 'apparel' } },
        { email: 'beauty-manager@example-shop.com', name: '美妆个护品类经理', scope: { category: 'beauty' } },
        // The category director reads the pets copy too (same scope → same email, one copy).
        { email: 'category-director@example-shop.com', name: '品类总监', scope: { category: 'pets' } },
      ],
    },
    {
      id: 'supplier-scorecard',
      name: { en: 'Supplier monthly scorecard', zh: '供应商月度评分' },
      description: 'Supplier grading (供应商分级评估): on-time fulfilment, returns and cost per supplier.',
      schedule: { cron: 'cron(0 10 2 * ? *)', timeZone: 'Asia/Shanghai' },
      asOfRule: 'last_complete_month',
      ranges: ['MTD', 'QTD', 'YTD'],
      kpis: [
        'on_time_fulfilment_rate',
        'shipped_orders',
        'on_time_orders',
        'return_rate',
        'returned_orders',
        'orders',
        'supply_chain_spend',
      ],
      breakdowns: ['supplier', 'category'],
      breakdownRange: 'MTD',
      trend: 'month',
      headline: { kpi: 'on_time_fulfilment_rate', range: 'MTD' },
      scorecard: { range: 'MTD', kpis: ['on_time_fulfilment_rate', 'return_rate', 'supply_chain_spend'] },
      includeMilestones: false,
      // English: the sourcing team shares it with suppliers' international account managers.
      language: 'en',
      recipients: [
        { email: 'supply-chain-lead@example-shop.com', name: 'Supply-chain lead 供应链负责人' },
        { email: 'supplier-management@example-shop.com', name: 'Supplier management 供应商管理' },
        { email: 'sourcing@example-shop.com', name: 'Sourcing 采购' },
      ],
    },
  ],

  // ── Email 邮件 ───────────────────────────────────────────────────────────────────────────
  email: {
    /** Must be an SES-verified identity in the deployment account. */
    from: 'plan-monitor@example-shop.com',
    replyTo: 'bi-team@example-shop.com',
    /** Recipients must be in these domains, so a typo cannot mail the plan outside the company. */
    allowedDomains: ['example-shop.com'],
  },

  // ── Contacts 联系人 ──────────────────────────────────────────────────────────────────────
  contacts: {
    /** Alarms (failed runs, dead-letter queues); recipients of an expired report link ask here. */
    operators: 'plan-monitor-ops@example-shop.com',
    /** Who hears about a rejected upload when the upload names no uploader. */
    uploads: {
      actuals: 'bi-team@example-shop.com',
      targets: 'fpa@example-shop.com',
      milestones: 'pmo@example-shop.com',
    },
  },
});
