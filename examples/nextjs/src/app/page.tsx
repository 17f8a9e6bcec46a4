import { BuyButton } from './buy-button';
import { ConsentBanner } from './consent-banner';

const product = { id: 'sku-trail-mug', name: 'Trail mug', price: '25.99', currency: 'USD' };

export default function Page() {
  return (
    <main>
      <h1>Trailhead Goods</h1>
      <BuyButton product={product} />
      <ConsentBanner />
    </main>
  );
}
